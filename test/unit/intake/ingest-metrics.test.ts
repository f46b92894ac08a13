import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/domain/errors';

/** What ingest counts for the dashboard, read from the calls it makes to the metrics adapter. */
const counted = vi.hoisted(() => ({ countMetric: vi.fn(), countEach: vi.fn() }));
vi.mock('../../../shared/adapters/metrics', () => counted);

const { countUploadOutcome, countUploadReceived } = await import('../../../shared/intake/ingest-metrics');

beforeEach(() => {
  counted.countMetric.mockReset();
  counted.countEach.mockReset();
});

const finding = (code: string, severity: Finding['severity'], row?: number): Finding => ({
  code,
  severity,
  message: code,
  ...(row === undefined ? {} : { row }),
});

describe('ingest metrics', () => {
  it('counts a received upload by form and unit', () => {
    countUploadReceived({ form: 'unit', unit: '440300' });
    expect(counted.countMetric.mock.calls).toEqual([['UploadsReceived', { form: 'unit', unit: '440300' }]]);
  });

  it('counts a refused row once however many errors it has, and ignores warnings and file-level findings', () => {
    countUploadOutcome(
      { form: 'trainee', unit: '110000' },
      {
        readable: true,
        accepted: 3,
        findings: [
          finding('ID_NUMBER_INVALID', 'error', 2),
          finding('MOBILE_INVALID', 'error', 2),
          finding('ID_NUMBER_INVALID', 'error', 2),
          finding('QUOTA_EXCEEDED', 'error', 5),
          finding('ALREADY_REGISTERED', 'warning', 6),
          finding('FILE_TYPE', 'error'),
        ],
      },
    );
    const labels = { form: 'trainee', unit: '110000' };
    expect(counted.countMetric.mock.calls).toEqual([
      ['UploadsDone', labels],
      ['RowsAccepted', labels, 3],
      ['RowsRefused', labels, 2],
      ['RegistrationStatusChanged', { status: 'nominated' }, 3],
    ]);
    // Row 2's duplicate code counts once; the codes of different rows each count.
    expect(counted.countEach.mock.calls).toEqual([
      ['RowsRefusedByCode', 'code', ['ID_NUMBER_INVALID', 'MOBILE_INVALID', 'QUOTA_EXCEEDED']],
    ]);
  });

  it('counts an unreadable upload as failed, and other forms record no registrations', () => {
    countUploadOutcome({ form: 'unit', unit: '110000' }, { readable: false, accepted: 0, findings: [] });
    const labels = { form: 'unit', unit: '110000' };
    expect(counted.countMetric.mock.calls).toEqual([
      ['UploadsFailed', labels],
      ['RowsAccepted', labels, 0],
      ['RowsRefused', labels, 0],
    ]);
    expect(counted.countEach.mock.calls).toEqual([['RowsRefusedByCode', 'code', []]]);
  });
});
