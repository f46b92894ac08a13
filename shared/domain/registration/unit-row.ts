import type { Finding } from '../errors';
import { findUnit } from '../units';
import { normaliseEmail, normaliseMobile, normaliseOfficePhone } from './contact-details';
import { parseCount } from './form-choices';
import { type CellValue, UNIT_FIELDS, type UnitFieldKey } from './form-fields';
import { normalisePersonName, withoutSpaces } from './normalise-text';
import type { UnitInfoRecord } from './registration-records';
import { RowChecker, type RowLocation } from './row-checker';

export interface UnitRowResult {
  readonly findings: Finding[];
  readonly record: UnitInfoRecord | null;
}

// "广西壮族自治区" is often written "广西"; compare on the short form.
const shortName = (name: string) => name.replace(/(壮族|回族|维吾尔)?自治区$|省$|市$/, '');

export function validateUnitRow(
  cells: Readonly<Partial<Record<UnitFieldKey, CellValue>>>,
  location: RowLocation,
): UnitRowResult {
  const check = new RowChecker(UNIT_FIELDS, cells, location);
  const unitName = check.text('unitName');

  const codeText = check.text('unitCode');
  const unitCode = codeText === null ? null : withoutSpaces(codeText);
  const unit = unitCode ? findUnit(unitCode) : undefined;
  if (codeText !== null && !unit) {
    check.error(
      'UNIT_CODE_UNKNOWN',
      'unitCode',
      '单位代码不是 37 个推荐单位之一，请填写 6 位代码，如北京市 110000、深圳市 440300。',
      codeText,
    );
  } else if (unit && unitName && !unitName.includes(shortName(unit.name))) {
    check.report(
      'UNIT_NAME_MISMATCH',
      'warning',
      'unitName',
      `单位名称与单位代码 ${unit.code}（${unit.name}）看起来不一致，请核对。`,
      unitName,
    );
  }

  const contactNameText = check.text('contactName');
  const contactName = contactNameText === null ? null : normalisePersonName(contactNameText);
  const contactPosition = check.text('contactPosition') ?? '';

  const mobileText = check.text('mobile');
  const mobile = mobileText === null ? null : normaliseMobile(mobileText);
  if (mobileText !== null && !mobile) {
    check.error('MOBILE_FORMAT', 'mobile', '手机号码应为 11 位大陆手机号（以 13–19 开头），请核对。', mobileText);
  }

  const phoneText = check.text('officePhone');
  const officePhone = phoneText === null ? '' : normaliseOfficePhone(phoneText);
  if (phoneText !== null && officePhone === null) {
    check.error('PHONE_FORMAT', 'officePhone', '办公电话格式不正确，请填写含区号的号码，如 010-68205000。', phoneText);
  }

  const emailText = check.text('email');
  const email = emailText === null ? null : normaliseEmail(emailText);
  if (emailText !== null && !email)
    check.error('EMAIL_FORMAT', 'email', '电子邮箱格式不正确，应形如 name@example.com。', emailText);

  const countText = check.text('recommendedCount');
  const raw = check.raw('recommendedCount');
  let recommendedCount: number | null = null;
  if (countText !== null) {
    const count = typeof raw === 'number' ? raw : parseCount(countText, { integer: true });
    if (count === undefined || count < 0 || !Number.isInteger(count)) {
      check.error('NUMBER_FORMAT', 'recommendedCount', '「推荐人数」应为不小于 0 的整数。', countText);
    } else {
      recommendedCount = count;
    }
  }
  const remarks = check.text('remarks') ?? '';

  if (check.hasErrors || !unitName || !unit || !contactName || !mobile || officePhone === null || !email) {
    return { findings: check.findings, record: null };
  }
  return {
    findings: check.findings,
    record: {
      row: location.row,
      unitName,
      unitCode: unit.code,
      contactName,
      contactPosition,
      mobile,
      officePhone,
      email,
      recommendedCount,
      remarks,
    },
  };
}
