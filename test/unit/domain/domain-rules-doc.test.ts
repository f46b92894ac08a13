import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTENDANCE_SHEET_FINDING_CODES, FORM_FINDING_CODES } from '../../../shared/domain/registration/index';

/** docs/domain-rules.md is how a newcomer finds the rules: it must name every code the checks can produce. */
const doc = readFileSync(new URL('../../../docs/domain-rules.md', import.meta.url), 'utf8');

/** Severity per code, from the doc's tables: rows that begin "| `CODE` | error |". */
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (error|warning) \|/gm)].map((match) => [match[1], match[2]] as const),
);

describe('docs/domain-rules.md', () => {
  it.each(Object.entries({ ...FORM_FINDING_CODES, ...ATTENDANCE_SHEET_FINDING_CODES }))(
    '%s is documented with its severity',
    (code, [severity]) => {
      expect(documented.get(code)).toBe(severity);
    },
  );

  it('is linked from the README, and the README links nothing outside the repository', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('](docs/domain-rules.md)');
    expect(readme.match(/\]\(\.\.\/[^)]*\)/g) ?? []).toEqual([]);
  });
});
