import { describe, expect, it, vi } from 'vitest';

/**
 * The registration list's filters (shared by the list and its export). The schema is built when the module loads, so
 * each test imports it afresh (docs/mutation-testing.md, "Module tables that survive"). Expected values are written
 * out by hand: years 2000–2100, six-digit unit codes, classes 1–99, the ten registration statuses, and warning codes
 * of the form rules (docs/review-and-archives.md filters by them).
 */
const fresh = async () => {
  vi.resetModules();
  return (await import('../../../shared/http/registration-filters')).registrationFilters;
};

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? [] : (result.error?.issues.map((issue) => issue.message) ?? []);

describe('registration list filters', () => {
  it('takes no filter at all, and each filter at its bounds', async () => {
    const filters = await fresh();
    expect(filters.parse({})).toEqual({});
    expect(
      filters.parse({ year: '2000', unit: '440000', status: 'certified', class: '1', warning: 'NOT_TOP_PERSON' }),
    ).toEqual({ year: 2000, unit: '440000', status: 'certified', class: 1, warning: 'NOT_TOP_PERSON' });
    expect(filters.parse({ year: '2100', class: '99' })).toEqual({ year: 2100, class: 99 });
  });

  it.each([
    [{ year: '1999' }],
    [{ year: '2101' }],
    [{ year: '2024.5' }],
    [{ class: '0' }],
    [{ class: '100' }],
    [{ class: '1.5' }],
  ])('refuses %j', async (query) => {
    expect((await fresh()).safeParse(query).success).toBe(false);
  });

  it.each(['44000', '4400000', 'abcdef', ' 440000', '440000 ', '４４００００'])(
    'refuses the unit %j with the six-digit message',
    async (unit) => {
      expect(messages((await fresh()).safeParse({ unit }))).toEqual(['unit 须为 6 位单位代码']);
    },
  );

  it('names every status in the refusal of an unknown one', async () => {
    expect(messages((await fresh()).safeParse({ status: 'done' }))).toEqual([
      'status 须为 nominated/assigned/waitlisted/certified/incomplete/rejected/expired/not-placed/withdrawn/failed 之一',
    ]);
  });

  it('names the warning codes in the refusal of an unknown one, and refuses an error code', async () => {
    const filters = await fresh();
    for (const warning of ['SOMETHING', 'ID_CHECKSUM']) {
      const [message] = messages(filters.safeParse({ warning }));
      expect(message).toMatch(/^warning 须为 .+ 之一$/);
      const codes = message
        ?.replace(/^warning 须为 /, '')
        .replace(/ 之一$/, '')
        .split('/');
      expect(codes).toEqual(
        expect.arrayContaining(['ID_AGE_UNUSUAL', 'USCC_NOT_ENTERPRISE', 'NOT_TOP_PERSON', 'UNIT_NAME_MISMATCH']),
      );
      expect(codes).not.toContain('ID_CHECKSUM');
    }
  });
});
