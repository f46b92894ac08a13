import { describe, expect, it, vi } from 'vitest';
import { fieldsOf } from '../../../shared/domain/registration/form-fields';
import {
  detectHeaderRow,
  HEADER_ROW_THRESHOLD,
  headerKey,
  matchHeaderRow,
} from '../../../shared/forms/header-matching';

/**
 * Oracle: the form definitions (form-fields.ts: each field's header, aliases and whether it is required, as printed
 * on 附件4/附件3) and the matching rules in docs: headers are matched by meaning, ignoring *, colons, spaces, width
 * and notes in brackets.
 */
const UNIT_REQUIRED = fieldsOf('unit').filter((field) => field.required);
const TRAINEE_REQUIRED = fieldsOf('trainee').filter((field) => field.required);

describe('headerKey', () => {
  it('ignores required-marks, colons, spaces, letter case and full width', () => {
    expect(headerKey('＊ 姓 名：')).toBe('姓名');
    expect(headerKey('*姓名:')).toBe('姓名');
    expect(headerKey('Ｅ－ＭＡＩＬ')).toBe('e-mail');
    expect(headerKey('上年度营业收入（万元）')).toBe('上年度营业收入(万元)');
  });
});

describe('matchHeaderRow', () => {
  it('maps each recognised header to its column and keeps the header text, half-width (normaliseText)', () => {
    const match = matchHeaderRow(['序号', '', '  ', '*学员姓名（必填）', '性别', '邮箱'], 'trainee');
    expect([...match.columns]).toEqual([
      ['name', 3],
      ['gender', 4],
      ['email', 5],
    ]);
    expect(match.headerTexts.get('name')).toBe('*学员姓名(必填)');
    expect(match.form).toBe('trainee');
    expect(match.matchedRequired).toBe(3);
    expect(match.missingRequired.map((field) => field.key)).toEqual(
      TRAINEE_REQUIRED.map((field) => field.key).filter((key) => !['name', 'gender', 'email'].includes(key)),
    );
  });

  it('an exact header is preferred to one that matches only without its note', () => {
    // "企业类型(可多选)" is an alias of 企业类型 as written; "营业收入（万元）" only loosely matches revenue.
    const match = matchHeaderRow(['企业类型（可多选）', '营业收入（元）'], 'trainee');
    expect(match.columns.get('categories')).toBe(0);
    expect(match.columns.get('revenue')).toBe(1);
  });

  it('the first column that names a field keeps it', () => {
    const match = matchHeaderRow(['姓名', '学员姓名'], 'trainee');
    expect([...match.columns]).toEqual([['name', 0]]);
  });

  it('a later column that names a taken field only loosely is not matched either', () => {
    const match = matchHeaderRow(['手机号码', '手机号码（备用）'], 'unit');
    expect([...match.columns]).toEqual([['mobile', 0]]);
  });

  it('ignores a note in square or lenticular brackets as well as in round ones', () => {
    const match = matchHeaderRow(['学员姓名【必填】', '性别[单选]', '民族（如汉族）', '备注【其他说明】'], 'trainee');
    expect([...match.columns]).toEqual([
      ['name', 0],
      ['gender', 1],
      ['ethnicity', 2],
      ['remarks', 3],
    ]);
  });

  it('matches nothing to a header that names no field, from a freshly loaded module', async () => {
    // Imported afresh so the module's own tables are built inside the test (see docs/mutation-testing.md).
    vi.resetModules();
    const fresh = await import('../../../shared/forms/header-matching');
    const match = fresh.matchHeaderRow(['序号', '学员姓名（必填）', '签字', '营业收入（元）'], 'trainee');
    expect([...match.columns]).toEqual([
      ['name', 1],
      ['revenue', 3],
    ]);
  });

  it('counts every required unit column', () => {
    const match = matchHeaderRow(
      UNIT_REQUIRED.map((field) => field.header),
      'unit',
    );
    expect(match.missingRequired).toEqual([]);
    expect(match.matchedRequired).toBe(UNIT_REQUIRED.length);
  });
});

describe('detectHeaderRow', () => {
  it(`needs ${HEADER_ROW_THRESHOLD} required columns of a form`, () => {
    expect(HEADER_ROW_THRESHOLD).toBe(3);
    expect(detectHeaderRow(['单位名称', '单位代码'])).toBeUndefined();
    expect(detectHeaderRow(['单位名称', '单位代码', '联系人'])?.form).toBe('unit');
    expect(detectHeaderRow(['填表说明', '', '签字'])).toBeUndefined();
  });

  it('picks the form whose required columns the row covers best, even against the expected form', () => {
    const unitRow = fieldsOf('unit').map((field) => field.header);
    const traineeRow = fieldsOf('trainee').map((field) => field.header);
    // The unit header row also names three trainee columns (职务, 手机号码, 电子邮箱) but covers the unit form fully.
    expect(matchHeaderRow(unitRow, 'trainee').matchedRequired).toBeGreaterThanOrEqual(HEADER_ROW_THRESHOLD);
    expect(detectHeaderRow(unitRow, 'trainee')?.form).toBe('unit');
    expect(detectHeaderRow(unitRow, 'unit')?.form).toBe('unit');
    expect(detectHeaderRow(unitRow)?.form).toBe('unit');
    expect(detectHeaderRow(traineeRow, 'unit')?.form).toBe('trainee');
    expect(detectHeaderRow(traineeRow)?.form).toBe('trainee');
  });

  it('a row that covers both forms fully is a tie: the expected form wins, else the trainee form (listed first)', () => {
    // All 17 required trainee columns plus the unit's 单位名称/单位代码/联系人 (手机号码 and 电子邮箱 are in both):
    // each form's required columns are all there, a share of 1 each.
    const row = [...TRAINEE_REQUIRED.map((field) => field.header), '单位名称', '单位代码', '联系人'];
    expect(matchHeaderRow(row, 'trainee').missingRequired).toEqual([]);
    expect(matchHeaderRow(row, 'unit').missingRequired).toEqual([]);
    expect(detectHeaderRow(row, 'unit')?.form).toBe('unit');
    expect(detectHeaderRow(row, 'trainee')?.form).toBe('trainee');
    expect(detectHeaderRow(row)?.form).toBe('trainee');
    // The same tie with the unit's columns first: the order of the columns decides nothing.
    const unitFirst = ['单位名称', '单位代码', '联系人', ...TRAINEE_REQUIRED.map((field) => field.header)];
    expect(detectHeaderRow(unitFirst, 'unit')?.form).toBe('unit');
    expect(detectHeaderRow(unitFirst, 'trainee')?.form).toBe('trainee');
  });

  it("the share of each form's required columns decides, not their number", () => {
    // 3 of the unit's 5 required columns (0.6) against 9 of the trainee's 17 (0.53): the unit form; with 11 of 17
    // (0.65) the trainee form. 手机号码 and 电子邮箱 count for both.
    const traineeOnly = TRAINEE_REQUIRED.map((field) => field.header).filter(
      (header) => !['手机号码', '电子邮箱'].includes(header),
    );
    const row = (traineeColumns: number) => [
      '单位名称',
      '手机号码',
      '电子邮箱',
      ...traineeOnly.slice(0, traineeColumns),
    ];
    expect(matchHeaderRow(row(7), 'trainee').matchedRequired).toBe(9);
    expect(matchHeaderRow(row(7), 'unit').matchedRequired).toBe(3);
    expect(detectHeaderRow(row(7))?.form).toBe('unit');
    expect(detectHeaderRow(row(8))?.form).toBe('unit');
    expect(detectHeaderRow(row(9))?.form).toBe('trainee');
    expect(detectHeaderRow(row(9), 'unit')?.form).toBe('trainee');
  });
});
