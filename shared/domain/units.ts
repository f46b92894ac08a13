/**
 * The 37 province-level units that recommend trainees (notice 二(二)): 31 provinces, the Xinjiang Production and
 * Construction Corps and 5 cities with separate plans. Codes follow GB/T 2260; 660000 is the Corps' conventional code.
 */
export type UnitKind = 'province' | 'corps' | 'separate-plan-city';

export interface Unit {
  readonly code: string;
  readonly name: string;
  readonly kind: UnitKind;
}

const province = (code: string, name: string): Unit => ({ code, name, kind: 'province' });
const city = (code: string, name: string): Unit => ({ code, name, kind: 'separate-plan-city' });

export const UNITS: readonly Unit[] = Object.freeze([
  province('110000', '北京市'),
  province('120000', '天津市'),
  province('130000', '河北省'),
  province('140000', '山西省'),
  province('150000', '内蒙古自治区'),
  province('210000', '辽宁省'),
  province('220000', '吉林省'),
  province('230000', '黑龙江省'),
  province('310000', '上海市'),
  province('320000', '江苏省'),
  province('330000', '浙江省'),
  province('340000', '安徽省'),
  province('350000', '福建省'),
  province('360000', '江西省'),
  province('370000', '山东省'),
  province('410000', '河南省'),
  province('420000', '湖北省'),
  province('430000', '湖南省'),
  province('440000', '广东省'),
  province('450000', '广西壮族自治区'),
  province('460000', '海南省'),
  province('500000', '重庆市'),
  province('510000', '四川省'),
  province('520000', '贵州省'),
  province('530000', '云南省'),
  province('540000', '西藏自治区'),
  province('610000', '陕西省'),
  province('620000', '甘肃省'),
  province('630000', '青海省'),
  province('640000', '宁夏回族自治区'),
  province('650000', '新疆维吾尔自治区'),
  { code: '660000', name: '新疆生产建设兵团', kind: 'corps' },
  city('210200', '大连市'),
  city('370200', '青岛市'),
  city('330200', '宁波市'),
  city('350200', '厦门市'),
  city('440300', '深圳市'),
]);

const byCode = new Map(UNITS.map((unit) => [unit.code, unit]));

export function findUnit(code: string): Unit | undefined {
  return byCode.get(code);
}

export function isUnitCode(code: string): boolean {
  return byCode.has(code);
}
