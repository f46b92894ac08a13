import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registrationIdFor } from '../../../shared/adapters/ids';
import { pendingUploadState } from '../../../shared/domain/stuck-uploads';
import { telemetryLabel } from '../../../shared/domain/telemetry-labels';
import { makeCreditCode, makeResidentId } from '../../fixtures/registration-data';

/** Personal values as people write them: the forms' ID numbers and mobiles, landlines, emails, names. */
const residentIds = fc
  .record({
    birth: fc.date({ min: new Date('1940-01-01'), max: new Date('2005-12-31'), noInvalidDate: true }),
    sequence: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ birth, sequence }) => makeResidentId(birth.toISOString().slice(0, 10).replace(/-/g, ''), sequence));
const mobiles = fc
  .tuple(fc.constantFrom('13', '15', '17', '18', '19'), fc.stringMatching(/^\d{9}$/))
  .chain(([prefix, rest]) =>
    fc.constantFrom(
      `${prefix}${rest}`,
      `${prefix}${rest.slice(0, 1)} ${rest.slice(1, 5)} ${rest.slice(5)}`,
      `+86${prefix}${rest}`,
    ),
  );
const landlines = fc.stringMatching(/^0\d{2,3}-\d{7,8}$/);
const emails = fc.emailAddress();
const names = fc.stringMatching(/^[\u4e00-\u9fa5]{2,4}$/);

describe('telemetryLabel: what may become a metric dimension or a trace annotation', () => {
  it('refuses resident ID numbers, phone numbers, emails and Chinese names (10,000 runs)', () => {
    fc.assert(
      fc.property(fc.oneof(residentIds, mobiles, landlines, emails, names), (value) => {
        expect(telemetryLabel(value)).toBeUndefined();
      }),
      { numRuns: 10_000 },
    );
  });

  it('refuses an ID number or phone in lower case, with spaces, or with its X check character', () => {
    for (const value of ['11010519491231002x', '11010519491231002X', '138 0013 8000', '010-68205000', '(010)68205000'])
      expect(telemetryLabel(value), value).toBeUndefined();
  });

  it('keeps the ids and codes the system labels with: registration and upload ids, unit codes, codes, names', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 500 }), (uploadId, n) => {
        expect(telemetryLabel(uploadId)).toBe(uploadId);
        const registrationId = registrationIdFor(2024, '110000', uploadId, makeCreditCode(n));
        expect(telemetryLabel(registrationId)).toBe(registrationId);
      }),
      { numRuns: 2_000 },
    );
    for (const value of ['110000', 'class-03', 'ID_CHECKSUM', 'not-placed', 'NotifyCertified', 'trainee', 3])
      expect(telemetryLabel(value)).toBe(String(value));
  });
});

describe('pendingUploadState: when a pending upload is stuck', () => {
  const createdAt = '2024-08-30T02:00:00.000Z';
  const at = (minutes: number) => new Date(Date.parse(createdAt) + minutes * 60_000);

  it('is stuck once its file has arrived and its request is 15 minutes old, not a moment before', () => {
    expect(pendingUploadState({ createdAt }, true, at(14.99), 15)).toBe('waiting');
    expect(pendingUploadState({ createdAt }, true, at(15), 15)).toBe('stuck');
    expect(pendingUploadState({ createdAt }, true, at(600), 15)).toBe('stuck');
  });

  it('without a file is abandoned only once no presigned POST (15 minutes, plus 5 of clock tolerance) can bring one', () => {
    expect(pendingUploadState({ createdAt }, false, at(15), 15)).toBe('waiting');
    expect(pendingUploadState({ createdAt }, false, at(19.99), 15)).toBe('waiting');
    expect(pendingUploadState({ createdAt }, false, at(20), 15)).toBe('abandoned');
  });
});
