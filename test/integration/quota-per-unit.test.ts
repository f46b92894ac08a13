import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { PROGRAMME_YEAR } from '../../infra/local/cloud';
import { defaultProgramme } from '../../shared/adapters/programme-store';
import { validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import {
  findingsOf,
  type IssuedUpload,
  invariantViolations,
  scanTable,
  storedUpload,
  summarize,
  uploadTrainees,
} from './support';

const OVER_QUOTA = 5;

/**
 * Issue 4: every one of the 37 units uploads its quota plus five rows, all at once. The quota counter is enforced
 * in the same transaction as each registration, so each unit gets exactly its quota, and the refused rows are the
 * last five of its file.
 */
describe('quota per unit under concurrent uploads', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const quotas = defaultProgramme(PROGRAMME_YEAR)?.quotas ?? {};
  const units = Object.keys(quotas);

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
  });
  afterAll(async () => stop?.());

  it('accepts exactly the quota of each of the 37 units and refuses the last five rows of each file', async () => {
    expect(units).toHaveLength(37);
    // Enterprises (and people) are unique across all units: trainee n = unit index × 100 + row.
    const uploads = await Promise.all(
      units.map(async (unit, index): Promise<[string, IssuedUpload]> => {
        const quota = quotas[unit] as number;
        const trainees = Array.from({ length: quota + OVER_QUOTA }, (_, row) => validTrainee(index * 100 + row));
        return [unit, await uploadTrainees(endpoints, unit, trainees)];
      }),
    );
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);

    const items = await scanTable();
    const summary = summarize(items);
    for (const [unit, issued] of uploads) {
      const quota = quotas[unit] as number;
      const upload = await storedUpload(issued.uploadId);
      expect(upload, unit).toMatchObject({ status: 'done', rows: quota + OVER_QUOTA, accepted: quota });
      // Data rows start at row 2 (row 1 is the header): the refused ones are the file's last five.
      const refused = findingsOf(upload, 'QUOTA_EXCEEDED').map((finding) => finding.row);
      expect(refused, unit).toEqual(Array.from({ length: OVER_QUOTA }, (_, i) => quota + 2 + i));
      expect(
        upload?.findings?.filter((f) => f.severity === 'error'),
        unit,
      ).toHaveLength(OVER_QUOTA);
      expect(summary.counters[unit], unit).toBe(quota);
      const accepted = summary.registrations.filter((r) => r.unit === unit).map((r) => Number(r.row));
      expect(accepted.sort((a, b) => a - b)).toEqual(Array.from({ length: quota }, (_, i) => i + 2));
    }
    const total = Object.values(quotas).reduce((sum, quota) => sum + quota, 0);
    expect(total).toBe(800);
    expect(summary.registrations).toHaveLength(total);
    expect(invariantViolations(items)).toEqual([]);
    // One execution per accepted registration, named by its id.
    const executions = cloud.stepFunctions.list();
    expect(executions).toHaveLength(total);
    expect(new Set(executions.map((e) => e.name))).toEqual(new Set(summary.registrations.map((r) => r.registrationId)));
  });
});
