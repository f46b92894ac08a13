/**
 * Province-level codes of GB/T 2260 (the first two digits of an administrative division code): 31 provinces,
 * autonomous regions and municipalities, plus 71 Taiwan, 81 Hong Kong and 82 Macao — the standard's 34.
 * County and prefecture codes change over the years (merged, renamed, retired) while numbers issued under them stay
 * valid for life, so only this level is checked.
 */
export const PROVINCE_LEVEL_CODES: ReadonlyMap<string, string> = new Map([
  ['11', '北京市'],
  ['12', '天津市'],
  ['13', '河北省'],
  ['14', '山西省'],
  ['15', '内蒙古自治区'],
  ['21', '辽宁省'],
  ['22', '吉林省'],
  ['23', '黑龙江省'],
  ['31', '上海市'],
  ['32', '江苏省'],
  ['33', '浙江省'],
  ['34', '安徽省'],
  ['35', '福建省'],
  ['36', '江西省'],
  ['37', '山东省'],
  ['41', '河南省'],
  ['42', '湖北省'],
  ['43', '湖南省'],
  ['44', '广东省'],
  ['45', '广西壮族自治区'],
  ['46', '海南省'],
  ['50', '重庆市'],
  ['51', '四川省'],
  ['52', '贵州省'],
  ['53', '云南省'],
  ['54', '西藏自治区'],
  ['61', '陕西省'],
  ['62', '甘肃省'],
  ['63', '青海省'],
  ['64', '宁夏回族自治区'],
  ['65', '新疆维吾尔自治区'],
  ['71', '台湾省'],
  ['81', '香港特别行政区'],
  ['82', '澳门特别行政区'],
]);

/**
 * Residence permits for Hong Kong, Macao and Taiwan residents (国务院办公厅 2018) carry 810000, 820000 or 830000 as
 * their address code; 83 is not a GB/T 2260 code but is a valid prefix of an identity number.
 */
export const RESIDENCE_PERMIT_PREFIXES: ReadonlySet<string> = new Set(['81', '82', '83']);

/**
 * National-level registration authorities write 100000 as their division code in a credit code (e.g. organs and
 * enterprises registered by a State Council department).
 */
export const NATIONAL_DIVISION_PREFIX = '10';
