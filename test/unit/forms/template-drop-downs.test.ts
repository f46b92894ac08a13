import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseProgramme } from '../../../shared/domain/programme';
import { buildTemplate } from '../../../shared/forms/index';

const programme = parseProgramme(
  JSON.parse(readFileSync(new URL('../../../data/programme-2024.json', import.meta.url), 'utf8')),
);
const LAST_ROW = 2001; // header + the 2,000 rows an upload may hold

/**
 * The drop-down each column of 附件4 should carry, written from the form's definition in the domain notes (not read
 * from the template builder): which list, and whether Excel refuses other input (closed) or only suggests.
 */
const EXPECTED: Record<
  string,
  { readonly closed: boolean; readonly values?: readonly string[]; readonly includes?: string }
> = {
  性别: { closed: true, values: ['男', '女'] },
  是否企业一把手: { closed: true, values: ['是', '否'] },
  自愿参训声明: { closed: true, values: ['是'] },
  无违法违规记录声明: { closed: true, values: ['是'] },
  意向期次: { closed: true, values: programme.classes.map((c) => String(c.number)) },
  // Several categories go into one cell, so the list can only suggest.
  企业类型: {
    closed: false,
    values: [
      '专精特新中小企业',
      '专精特新"小巨人"企业',
      '创新型中小企业',
      '科技型中小企业',
      '制造业单项冠军',
      '独角兽企业',
      '高新技术企业',
      '其他',
    ],
  },
  政治面貌: { closed: false, includes: '中共党员' },
  学历: { closed: false, includes: '硕士研究生' },
};

async function load(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as never);
  return workbook;
}

type Validations = { dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> } };

/** The values a list formula such as `'选项'!$B$2:$B$4` points at, read from the workbook itself. */
function listValues(workbook: ExcelJS.Workbook, formula: string): string[] {
  const match = /^'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(formula);
  if (!match) throw new Error(`not a range: ${formula}`);
  const [, sheetName, fromColumn, fromRow, toColumn, toRow] = match;
  expect(fromColumn).toBe(toColumn);
  const sheet = workbook.getWorksheet(sheetName as string);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const values: string[] = [];
  for (let row = Number(fromRow); row <= Number(toRow); row++)
    values.push(String(sheet.getCell(`${fromColumn}${row}`).value));
  return values;
}

/**
 * The workbook is built inside each test, not while the file is collected: mutation testing switches a mutant on only
 * once the tests start, so a workbook built during collection would never carry it (docs/mutation-testing.md).
 */
async function traineeTemplate() {
  const workbook = await load(await buildTemplate('trainee', 'xlsx', programme));
  const sheet = workbook.getWorksheet('学员报名表');
  if (!sheet) throw new Error('no data sheet');
  const model = (sheet as unknown as Validations).dataValidations.model;
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  return { workbook, model, headers };
}

describe('template drop-downs, column by column', () => {
  it('covers every column that should have a list', async () => {
    const { headers } = await traineeTemplate();
    expect(Object.keys(EXPECTED).filter((header) => !headers.includes(header))).toEqual([]);
  });

  it('every column: the expected list (closed or suggestion) from row 2 to the row limit, nothing elsewhere', async () => {
    const { workbook, model, headers } = await traineeTemplate();
    headers.forEach((header, index) => {
      const letter = String.fromCharCode(65 + index);
      const expected = EXPECTED[header];
      for (const row of [2, 1000, LAST_ROW]) {
        const validation = model[`${letter}${row}`];
        if (!expected) {
          expect(validation?.type, `${header} ${letter}${row}`).not.toBe('list');
          continue;
        }
        expect(validation?.type, `${header} ${letter}${row}`).toBe('list');
        if (validation?.type !== 'list') return;
        // A closed list refuses other input in Excel; a suggestion shows the list but accepts anything.
        expect(Boolean(validation.showErrorMessage), `${header} closed`).toBe(expected.closed);
        expect(validation.promptTitle, header).toBe(header);
        const values = listValues(workbook, String(validation.formulae?.[0]));
        if (expected.values) expect(values, header).toEqual(expected.values);
        if (expected.includes) expect(values, header).toContain(expected.includes);
      }
      expect(model[`${letter}1`], `${header}: the header row has no drop-down`).toBeUndefined();
      expect(model[`${letter}${LAST_ROW + 1}`], `${header}: nothing below the row limit`).toBeUndefined();
    });
  });

  it('the 附件3 unit template has no drop-down lists', async () => {
    const unit = await load(await buildTemplate('unit', 'xlsx', programme));
    const unitModel = (unit.worksheets[0] as unknown as Validations).dataValidations.model;
    expect(Object.values(unitModel).filter((v) => v?.type === 'list')).toEqual([]);
  });
});
