import { describe, expect, it, vi } from 'vitest';

/** GB/T 2260 province-level codes and names, written out from the standard (not read from the code under test). */
const GB_T_2260 =
  `11 北京市,12 天津市,13 河北省,14 山西省,15 内蒙古自治区,21 辽宁省,22 吉林省,23 黑龙江省,31 上海市,32 江苏省,
33 浙江省,34 安徽省,35 福建省,36 江西省,37 山东省,41 河南省,42 湖北省,43 湖南省,44 广东省,45 广西壮族自治区,46 海南省,
50 重庆市,51 四川省,52 贵州省,53 云南省,54 西藏自治区,61 陕西省,62 甘肃省,63 青海省,64 宁夏回族自治区,65 新疆维吾尔自治区,
71 台湾省,81 香港特别行政区,82 澳门特别行政区`
    .split(',')
    .map((entry) => entry.trim().split(' ') as [string, string]);

describe('division codes: the tables the ID-number and credit-code checks rest on', () => {
  it('are GB/T 2260’s 34 province-level codes with their names, the permit prefixes and the national prefix', async () => {
    // Imported afresh so the module's tables are evaluated inside this test (mutation testing changes them).
    vi.resetModules();
    const codes = await import('../../../shared/domain/registration/division-codes');
    expect([...codes.PROVINCE_LEVEL_CODES]).toEqual(GB_T_2260);
    expect(codes.PROVINCE_LEVEL_CODES.size).toBe(34);
    expect([...codes.RESIDENCE_PERMIT_PREFIXES].sort()).toEqual(['81', '82', '83']);
    expect(codes.NATIONAL_DIVISION_PREFIX).toBe('10');
  });
});
