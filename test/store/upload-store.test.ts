import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  claimUpload,
  completeUpload,
  createUpload,
  forgetPendingUpload,
  getUpload,
  listPendingUploads,
  recordRefusedObject,
  type UploadOutcome,
} from '../../shared/adapters/upload-store';
import type { UploadRecord } from '../../shared/domain/upload';
import { STORE_TABLE } from './support/store-environment';

function upload(uploadId: string, createdAt: string, status: UploadRecord['status'] = 'pending'): UploadRecord {
  return {
    uploadId,
    year: 2030,
    unit: '110000',
    form: 'trainee',
    fileName: `${uploadId}.xlsx`,
    key: `uploads/2030/110000/${uploadId}.xlsx`,
    status,
    createdAt,
  };
}

async function rawItem(uploadId: string) {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: STORE_TABLE, Key: { pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' } }),
  );
  return result.Item;
}

const outcome: UploadOutcome = {
  status: 'done',
  rows: 12,
  accepted: 10,
  findings: [{ code: 'E1', row: 3 } as never],
  findingTotal: 2,
  findingCounts: { E1: 2 },
  reportKeys: { json: 'reports/u.json', xlsx: 'reports/u.xlsx' },
  completedAt: '2030-03-01T10:00:00.000Z',
};

describe('upload store against DynamoDB Local', () => {
  it('creates an upload once, readable without its keys, and refuses a second create', async () => {
    const record = upload('u-create', '2030-03-01T08:00:00.000Z');
    await createUpload(record);
    expect(await getUpload('u-create')).toEqual(record);
    const item = await rawItem('u-create');
    expect(item).toMatchObject({
      pk: 'UPLOAD#u-create',
      sk: 'UPLOAD',
      type: 'upload',
      gsi3pk: 'UPLOADS#pending',
      gsi3sk: '2030-03-01T08:00:00.000Z#u-create',
    });
    await expect(createUpload({ ...record, fileName: 'other.xlsx' })).rejects.toThrow();
    expect((await getUpload('u-create'))?.fileName).toBe('u-create.xlsx');
    expect(await getUpload('u-missing')).toBeUndefined();
  });

  it('puts only pending uploads in the pending index', async () => {
    await createUpload(upload('u-done', '2030-03-01T08:00:00.000Z', 'done'));
    const item = await rawItem('u-done');
    expect(item?.type).toBe('upload');
    expect(item?.gsi3pk).toBeUndefined();
    expect(item?.gsi3sk).toBeUndefined();
  });

  it('lets the first object claim, the same object claim again, and tells others apart', async () => {
    await createUpload(upload('u-claim', '2030-03-01T08:00:00.000Z'));
    const first = new Date('2030-03-01T09:00:00.000Z');
    expect(await claimUpload('u-claim', 'v1', first)).toEqual({ kind: 'claimed' });
    let stored = await getUpload('u-claim');
    expect(stored).toMatchObject({ status: 'processing', processedObject: 'v1' });
    expect((stored as unknown as Record<string, unknown>).claimedAt).toBe('2030-03-01T09:00:00.000Z');
    // A retry of the same object resumes; the first claim time is kept.
    expect(await claimUpload('u-claim', 'v1', new Date('2030-03-01T09:30:00.000Z'))).toEqual({ kind: 'claimed' });
    stored = await getUpload('u-claim');
    expect((stored as unknown as Record<string, unknown>).claimedAt).toBe('2030-03-01T09:00:00.000Z');
    // Another object of the same link must not be read.
    expect(await claimUpload('u-claim', 'v2', first)).toEqual({ kind: 'other-object' });
    expect((await getUpload('u-claim'))?.processedObject).toBe('v1');
    // Once done, the same object is a repeated event.
    await completeUpload('u-claim', 'v1', outcome);
    expect(await claimUpload('u-claim', 'v1', first)).toEqual({ kind: 'finished' });
    expect(await claimUpload('u-claim', 'v2', first)).toEqual({ kind: 'other-object' });
    expect((await getUpload('u-claim'))?.status).toBe('done');
  });

  it('does not claim an upload that does not exist', async () => {
    expect(await claimUpload('u-nothing', 'v1', new Date('2030-03-01T09:00:00.000Z'))).toEqual({
      kind: 'other-object',
    });
    expect(await rawItem('u-nothing')).toBeUndefined();
  });

  it('completes only the claimed object and takes the upload out of the pending index', async () => {
    await createUpload(upload('u-complete', '2030-03-02T08:00:00.000Z'));
    await expect(completeUpload('u-complete', 'v1', outcome)).rejects.toThrow();
    await claimUpload('u-complete', 'v1', new Date('2030-03-02T09:00:00.000Z'));
    await expect(completeUpload('u-complete', 'v2', outcome)).rejects.toThrow();
    expect((await getUpload('u-complete'))?.status).toBe('processing');
    await completeUpload('u-complete', 'v1', { ...outcome, status: 'failed' });
    const stored = await getUpload('u-complete');
    expect(stored).toMatchObject({
      status: 'failed',
      rows: 12,
      accepted: 10,
      findings: [{ code: 'E1', row: 3 }],
      findingTotal: 2,
      findingCounts: { E1: 2 },
      reportKeys: { json: 'reports/u.json', xlsx: 'reports/u.xlsx' },
      completedAt: '2030-03-01T10:00:00.000Z',
      processedObject: 'v1',
    });
    const item = await rawItem('u-complete');
    expect(item?.gsi3pk).toBeUndefined();
    expect(item?.gsi3sk).toBeUndefined();
    // A completed upload cannot be completed again, even by its object.
    await expect(completeUpload('u-complete', 'v1', outcome)).rejects.toThrow();
  });

  it('counts refused objects on an existing upload only', async () => {
    await createUpload(upload('u-refuse', '2030-03-03T08:00:00.000Z'));
    await recordRefusedObject('u-refuse');
    await recordRefusedObject('u-refuse');
    expect((await getUpload('u-refuse'))?.refusedObjects).toBe(2);
    await expect(recordRefusedObject('u-refuse-missing')).rejects.toThrow();
    expect(await rawItem('u-refuse-missing')).toBeUndefined();
  });

  it('lists pending uploads created before a time, oldest first, up to the limit', async () => {
    await createUpload(upload('p-b', '2031-01-01T02:00:00.000Z'));
    await createUpload(upload('p-a', '2031-01-01T01:00:00.000Z'));
    await createUpload(upload('p-c', '2031-01-01T03:00:00.000Z'));
    await createUpload(upload('p-late', '2031-01-02T00:00:00.000Z'));
    const listed = await listPendingUploads('2031-01-01T12:00:00.000Z');
    const ours = listed.filter((u) => u.uploadId.startsWith('p-'));
    expect(ours.map((u) => u.uploadId)).toEqual(['p-a', 'p-b', 'p-c']);
    // The byYear index projects only some attributes: check what the stuck-upload check reads, without the keys.
    expect(ours[0]).toMatchObject({ uploadId: 'p-a', status: 'pending', createdAt: '2031-01-01T01:00:00.000Z' });
    expect(ours[0]).not.toHaveProperty('pk');
    expect(ours[0]).not.toHaveProperty('gsi3pk');
    const limited = await listPendingUploads('2031-01-01T12:00:00.000Z', 2);
    expect(limited).toHaveLength(2);
    expect(await listPendingUploads('2000-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('forgets a pending upload without changing its status, and refuses a missing one', async () => {
    await createUpload(upload('f-one', '2032-01-01T01:00:00.000Z'));
    await forgetPendingUpload('f-one');
    expect((await getUpload('f-one'))?.status).toBe('pending');
    const listed = await listPendingUploads('2032-12-31T00:00:00.000Z');
    expect(listed.map((u) => u.uploadId)).not.toContain('f-one');
    await expect(forgetPendingUpload('f-missing')).rejects.toThrow();
    expect(await rawItem('f-missing')).toBeUndefined();
  });

  it('reads and writes the table the configuration names', async () => {
    // Imported afresh so the module-level `table()` is evaluated inside this test (mutation testing changes it; see
    // docs/mutation-testing.md, "Module tables that survive").
    vi.resetModules();
    const fresh = await import('../../shared/adapters/upload-store');
    const record = upload('u-fresh', '2033-01-01T01:00:00.000Z');
    await fresh.createUpload(record);
    expect(await rawItem('u-fresh')).toMatchObject({ pk: 'UPLOAD#u-fresh', status: 'pending' });
    expect(await fresh.getUpload('u-fresh')).toEqual(record);
  });
});
