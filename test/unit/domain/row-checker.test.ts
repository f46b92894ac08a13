import { describe, expect, it } from 'vitest';
import type { FieldKind, FormField } from '../../../shared/domain/registration/form-fields';
import { cellText, RowChecker, type RowLocation, shownValue } from '../../../shared/domain/registration/row-checker';

/**
 * The row checker on its own: how a cell reads as text, how a value is shown in a finding (masked by the field's kind,
 * long text shortened), and the findings for formula errors, empty required cells and over-long text. Messages and
 * masks are those of docs/domain-rules.md and the masking tests (registration-checks.test.ts); lengths are counted
 * in code points, with `Array.from` as the independent count.
 */
const fieldOf = (key: string, kind: FieldKind, options: Partial<FormField> = {}): FormField => ({
  key,
  header: `列${key}`,
  aliases: [],
  required: false,
  kind,
  maxLength: 100,
  hint: '',
  ...options,
});

const FIELDS: FormField[] = [
  fieldOf('name', 'name', { required: true, maxLength: 3 }),
  fieldOf('note', 'text'),
  fieldOf('id', 'id', { required: true, maxLength: 18 }),
  fieldOf('mobile', 'mobile'),
  fieldOf('phone', 'phone'),
  fieldOf('email', 'email'),
];

const location: RowLocation = { sheet: '学员报名表', row: 12, columnOf: (key) => `${key} (C)` };
const checker = (cells: Record<string, unknown>) => new RowChecker(FIELDS, cells as never, location);

describe('cellText: a cell as the clerk sees it', () => {
  it.each<[unknown, string]>([
    [null, ''],
    [undefined, ''],
    ['  张三 ', '  张三 '],
    [1200, '1200'],
    [0.5, '0.5'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    [true, 'TRUE'],
    [false, 'FALSE'],
    [new Date(Date.UTC(2024, 7, 31)), '2024-08-31'],
    [new Date(Number.NaN), ''],
    [{ error: '#N/A' }, '#N/A'],
  ])('%o → %j', (value, text) => {
    expect(cellText(value as never)).toBe(text);
  });
});

describe('shownValue: what a finding shows of the value', () => {
  it('masks personal values by the field’s kind', () => {
    expect(shownValue(fieldOf('id', 'id'), '11010519491231002X')).toBe('110105********002X');
    expect(shownValue(fieldOf('m', 'mobile'), '13812341234')).toBe('138****1234');
    expect(shownValue(fieldOf('p', 'phone'), '010-68205000')).toBe('010-******00');
    expect(shownValue(fieldOf('e', 'email'), 'zhangsan@example.com')).toBe('z***@example.com');
  });

  it('shows other text up to 60 characters, and the first 60 with … beyond', () => {
    const sixty = '一二三四五六七八九十'.repeat(6);
    expect(shownValue(fieldOf('t', 'text'), sixty)).toBe(sixty);
    expect(shownValue(fieldOf('t', 'text'), `${sixty}多`)).toBe(`${sixty}…`);
    expect(shownValue(fieldOf('t', 'name'), `${sixty}多余的字`)).toBe(`${sixty}…`);
  });
});

describe('RowChecker', () => {
  it('knows only its fields, and reads a missing cell as null', () => {
    const check = checker({});
    expect(check.field('note')).toBe(FIELDS[1]);
    expect(() => check.field('nope')).toThrow('unknown field nope');
    expect(check.raw('note')).toBeNull();
    expect(checker({ note: 0 }).raw('note')).toBe(0);
  });

  it('reports a finding at its sheet, row and column, with the value masked, and none for an empty value', () => {
    const check = checker({});
    check.report('SOME_WARNING', 'warning', 'mobile', '请核对。', '13812341234');
    expect(check.hasErrors).toBe(false);
    check.error('SOME_ERROR', 'note', '不对。', '');
    check.error('OTHER_ERROR', 'note', '也不对。');
    expect(check.hasErrors).toBe(true);
    expect(check.findings).toEqual([
      {
        code: 'SOME_WARNING',
        severity: 'warning',
        message: '请核对。',
        sheet: '学员报名表',
        row: 12,
        column: 'mobile (C)',
        value: '138****1234',
      },
      { code: 'SOME_ERROR', severity: 'error', message: '不对。', sheet: '学员报名表', row: 12, column: 'note (C)' },
      { code: 'OTHER_ERROR', severity: 'error', message: '也不对。', sheet: '学员报名表', row: 12, column: 'note (C)' },
    ]);
  });

  it('has no errors while it has no findings', () => {
    expect(checker({}).hasErrors).toBe(false);
  });

  it('gives tidy text: spaces trimmed and collapsed, numbers and dates as shown', () => {
    const check = checker({ note: ' 一 \u00a0 二\u200b ', name: 7, id: new Date(Date.UTC(1975, 5, 1)) });
    expect(check.text('note')).toBe('一 二');
    expect(check.text('name')).toBe('7');
    expect(check.text('id')).toBe('1975-06-01');
    expect(check.findings).toEqual([]);
  });

  it('refuses a formula error value, naming the header and the error', () => {
    const check = checker({ note: { error: '#DIV/0!' } });
    expect(check.text('note')).toBeNull();
    expect(check.findings).toEqual([
      {
        code: 'CELL_ERROR',
        severity: 'error',
        message: '「列note」单元格是公式错误值 #DIV/0!，请改为直接填写内容。',
        sheet: '学员报名表',
        row: 12,
        column: 'note (C)',
        value: '#DIV/0!',
      },
    ]);
  });

  it('reports an empty required cell as REQUIRED, or the caller’s code, or not at all; an optional one never', () => {
    const required = checker({ name: '  ', id: null });
    expect(required.text('name')).toBeNull();
    expect(required.text('id', { requiredCode: 'ID_REQUIRED' })).toBeNull();
    expect(required.text('id', { requiredCode: null })).toBeNull();
    expect(required.text('note')).toBeNull();
    expect(required.findings).toEqual([
      {
        code: 'REQUIRED',
        severity: 'error',
        message: '「列name」为必填项，请填写。',
        sheet: '学员报名表',
        row: 12,
        column: 'name (C)',
      },
      {
        code: 'ID_REQUIRED',
        severity: 'error',
        message: '「列id」为必填项，请填写。',
        sheet: '学员报名表',
        row: 12,
        column: 'id (C)',
      },
    ]);
  });

  it('takes text up to the field’s limit in characters as people count them, and refuses one more', () => {
    // 𠀀 (U+20000) is one character in two UTF-16 units.
    for (const fits of ['张三丰', '𠀀𠀀𠀀', '张𠀀三']) {
      const check = checker({ name: fits });
      expect(check.text('name'), fits).toBe(fits);
      expect(check.findings, fits).toEqual([]);
    }
    const check = checker({ name: '张三丰𠀀' });
    expect(check.text('name')).toBeNull();
    expect(check.findings).toEqual([
      {
        code: 'TEXT_TOO_LONG',
        severity: 'error',
        message: '「列name」不能超过 3 个字符，当前 4 个。',
        sheet: '学员报名表',
        row: 12,
        column: 'name (C)',
        value: '张三丰𠀀',
      },
    ]);
    const long = checker({ name: '欧阳娜娜' });
    expect(long.text('name')).toBeNull();
    expect(long.findings[0]?.message).toBe('「列name」不能超过 3 个字符，当前 4 个。');
  });

  it('counts a lone surrogate as one character and a pair as one, as Array.from does', () => {
    const cases = [
      '\ud800\udc00\ud800\udc00\ud800\udc00', // U+10000 three times: the lowest pair
      '\udbff\udfff\udbff\udfff\udbff\udfff', // U+10FFFF three times: the highest pair
      '\ud800a\udc00', // a high and a low surrogate apart: three characters
      '\udc00\ud800\udbff', // low before high: three
      '\ud7ff\udc00a', // just below the high range, then a low one: three
      '\ud800\ue000a', // a high one before a character just above the low range: three
      '\ud800\udbffa', // two high ones: three
      'ab\ud800', // a high one at the end: three
      '\udc00\udc00\udc00', // three low ones: three
      '\ue000\udc00a', // a character just above the high range before a low one: three
    ];
    for (const text of cases) {
      expect(Array.from(text).length, JSON.stringify(text)).toBe(3);
      const check = checker({ name: text });
      expect(check.text('name'), JSON.stringify(text)).toBe(text);
      expect(checker({ name: `${text}x` }).text('name'), JSON.stringify(text)).toBeNull();
    }
  });
});
