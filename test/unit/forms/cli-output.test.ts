import { describe, expect, it } from 'vitest';
import type { TraineeRecord, UnitInfoRecord } from '../../../shared/domain/registration/registration-records';
import { reportAsJson, reportAsText } from '../../../shared/forms/cli-output';
import type { ValidationReport } from '../../../shared/forms/validation-report';
import { validationReport } from '../../fixtures/validation-reports';

/**
 * What `npm run validate` prints (shared/forms/cli.ts): a list a clerk works through row by row, or with `--json`
 * the masked findings alone. Reports are written by hand; the expected text is written out in full.
 */
const report = (parts: Partial<ValidationReport>) => validationReport({ file: '北京市报名表.xlsx', ...parts });

// Only counted by the text report, never printed.
const records = <T>(count: number) => Array.from({ length: count }, () => ({}) as T);

describe('reportAsText', () => {
  it('a clean file: the form, the sheet, the counts and the go-ahead', () => {
    expect(reportAsText(report({ rows: 2, trainees: records<TraineeRecord>(2) }))).toBe(
      [
        '文件：北京市报名表.xlsx',
        '表格：附件4 学员报名表　工作表：学员报名表',
        '数据行：2　可接收：2 行　错误：0 个　提醒：0 个',
        '',
        '结果：校验通过，可以上传。',
      ].join('\n'),
    );
  });

  it('lists the problems by row, file-level ones first, with severity, place, code, message and the value', () => {
    const text = reportAsText(
      report({
        rows: 3,
        valid: false,
        trainees: records<TraineeRecord>(2),
        findings: [
          {
            code: 'EMAIL_FORMAT',
            severity: 'error',
            message: '电子邮箱格式不正确',
            row: 4,
            column: '电子邮箱 (Q)',
            value: 'n***',
          },
          { code: 'DUPLICATE_IN_FILE', severity: 'warning', message: '与第 2 行重复', row: 3 },
          { code: 'EXTRA_COLUMNS', severity: 'warning', message: '有系统不识别的列：推荐处室', column: '推荐处室 (T)' },
          { code: 'ID_CHECKSUM', severity: 'error', message: '身份证号校验位错误', row: 2, column: '身份证号 (E)' },
        ],
      }),
    );
    expect(text).toBe(
      [
        '文件：北京市报名表.xlsx',
        '表格：附件4 学员报名表　工作表：学员报名表',
        '数据行：3　可接收：2 行　错误：2 个　提醒：2 个',
        '',
        '问题清单：',
        '  [提醒] 整个文件 · 推荐处室 (T)  EXTRA_COLUMNS',
        '      有系统不识别的列：推荐处室',
        '  [错误] 第 2 行 · 身份证号 (E)  ID_CHECKSUM',
        '      身份证号校验位错误',
        '  [提醒] 第 3 行  DUPLICATE_IN_FILE',
        '      与第 2 行重复',
        '  [错误] 第 4 行 · 电子邮箱 (Q)  EMAIL_FORMAT',
        '      电子邮箱格式不正确（填写值：n***）',
        '',
        '结果：有错误，请修改标出的单元格后重新上传（有错误的行不会被接收）。',
      ].join('\n'),
    );
  });

  it('a unit form counts the units it can accept, not trainees', () => {
    const text = reportAsText(
      report({
        file: '单位信息表.csv',
        form: 'unit',
        sheet: null,
        rows: 1,
        units: records<UnitInfoRecord>(1),
        trainees: records<TraineeRecord>(3),
        findings: [
          { code: 'PHONE_FORMAT', severity: 'warning', message: '办公电话请写区号', row: 2, column: '办公电话' },
        ],
      }),
    );
    expect(text.split('\n').slice(0, 3)).toEqual([
      '文件：单位信息表.csv',
      '表格：附件3 推荐单位信息表',
      '数据行：1　可接收：1 行　错误：0 个　提醒：1 个',
    ]);
    expect(text.endsWith('\n\n结果：校验通过，可以上传。')).toBe(true);
  });

  it('an unreadable file: form not recognised, and the advice to fix the file and upload again', () => {
    expect(
      reportAsText(
        report({
          file: 'x.xlsx',
          form: null,
          sheet: null,
          valid: false,
          unreadable: true,
          findings: [{ code: 'FILE_TYPE', severity: 'error', message: '不是 Excel 或 CSV 文件' }],
        }),
      ),
    ).toBe(
      [
        '文件：x.xlsx',
        '表格：未识别',
        '数据行：0　可接收：0 行　错误：1 个　提醒：0 个',
        '',
        '问题清单：',
        '  [错误] 整个文件  FILE_TYPE',
        '      不是 Excel 或 CSV 文件',
        '',
        '结果：文件无法读取，请按上面的提示处理后重新上传。',
      ].join('\n'),
    );
  });
});

describe('reportAsJson', () => {
  it('prints the file, form, rows, verdict and findings only, indented by two spaces', () => {
    const finding = { code: 'MOBILE_FORMAT', severity: 'error' as const, message: '手机号码应为 11 位', row: 2 };
    const json = reportAsJson(
      report({
        rows: 1,
        valid: false,
        findings: [finding],
        trainees: records<TraineeRecord>(1),
        rawHeaders: ['姓名'],
        rawRows: [{ row: 2, values: { 姓名: '张三' } }],
      }),
    );
    expect(json).toBe(
      [
        '{',
        '  "file": "北京市报名表.xlsx",',
        '  "form": "trainee",',
        '  "rows": 1,',
        '  "valid": false,',
        '  "findings": [',
        '    {',
        '      "code": "MOBILE_FORMAT",',
        '      "severity": "error",',
        '      "message": "手机号码应为 11 位",',
        '      "row": 2',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });
});
