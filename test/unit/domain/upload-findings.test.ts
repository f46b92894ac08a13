import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/domain/errors';
import { forUnit, scrubFinding } from '../../../shared/domain/upload-findings';

// Personal values written out by hand: GB 11643-1999's example ID, a typed mobile and mailbox.
const ID = '11010519491231002X';
const MASKED_ID = '110105********002X';

describe('scrubFinding: every text of a finding masked by pattern, emails included', () => {
  it('masks the message, the value, the file name and the sheet name', () => {
    const finding: Finding = {
      code: 'ID_INVALID',
      severity: 'error',
      message: `身份证号 ${ID} 校验位错误，联系 zhangsan@example.com`,
      file: 'zhangsan@example.com 报名表-13812345678.xlsx',
      sheet: `学员 lisi@example.com`,
      row: 5,
      column: 'D',
      value: ID,
    };
    expect(scrubFinding(finding)).toEqual({
      code: 'ID_INVALID',
      severity: 'error',
      message: `身份证号 ${MASKED_ID} 校验位错误，联系 z***@example.com`,
      file: 'z***@example.com 报名表-138****5678.xlsx',
      sheet: '学员 l***@example.com',
      row: 5,
      column: 'D',
      value: MASKED_ID,
    });
  });

  it('masks an email that sits alone in the value', () => {
    expect(scrubFinding({ code: 'X', severity: 'warning', message: '邮箱格式', value: 'wang@a-b.cn' }).value).toBe(
      'w***@a-b.cn',
    );
  });

  it('adds no field the finding did not have', () => {
    const scrubbed = scrubFinding({ code: 'ROW_EMPTY', severity: 'warning', message: '空行' });
    expect(scrubbed).toEqual({ code: 'ROW_EMPTY', severity: 'warning', message: '空行' });
    expect(Object.keys(scrubbed).sort()).toEqual(['code', 'message', 'severity']);
  });
});

describe('forUnit: a unit is not told which unit holds a duplicate', () => {
  it('drops heldBy and keeps everything else', () => {
    const finding: Finding = {
      code: 'DUPLICATE_PERSON',
      severity: 'error',
      message: '该学员已由其他单位报名',
      row: 3,
      heldBy: '440300',
    };
    const seen = forUnit(finding);
    expect(seen).toEqual({ code: 'DUPLICATE_PERSON', severity: 'error', message: '该学员已由其他单位报名', row: 3 });
    expect('heldBy' in seen).toBe(false);
    expect(finding.heldBy).toBe('440300');
  });

  it('passes a finding without a holder through as it is', () => {
    const finding: Finding = { code: 'ROW_EMPTY', severity: 'warning', message: '空行' };
    expect(forUnit(finding)).toBe(finding);
  });
});
