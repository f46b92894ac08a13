import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validTrainee, validUnit } from '../../test/fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../../test/fixtures/spreadsheet-files';

/**
 * `npm run sample-forms`: filled forms to try the local cloud with, generated (valid check digits, unique
 * enterprises) by the same code the tests use. Fictional people and enterprises only.
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.local/samples' },
    rows: { type: 'string', default: '3' },
    from: { type: 'string', default: '1' },
  },
});
const out = values.out as string;
const from = Number(values.from);
const rows = Array.from({ length: Number(values.rows) }, (_, i) => validTrainee(from + i));
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'trainee.csv'),
  buildCsv(
    TRAINEE_HEADERS,
    rows.map((row) => traineeRow(row)),
  ),
);
const broken = { ...validTrainee(from + 1000), idNumber: '110105194912310021', mobile: '1234' };
writeFileSync(join(out, 'trainee-with-errors.csv'), buildCsv(TRAINEE_HEADERS, [traineeRow(broken)]));
writeFileSync(join(out, 'unit.csv'), buildCsv(UNIT_HEADERS, [unitRow(validUnit())]));
console.log(`Wrote ${out}/trainee.csv (${rows.length} rows), trainee-with-errors.csv and unit.csv (unit 110000)`);
