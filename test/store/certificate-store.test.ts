import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  certificatePut,
  certificateRevocation,
  getCertificate,
  nextCertificateSequence,
} from '../../shared/adapters/certificate-store';
import type { CertificateRecord } from '../../shared/domain/certificate-record';
import { STORE_TABLE } from './support/store-environment';

async function transact(...items: ReturnType<typeof certificatePut>[]) {
  await dynamoClient().send(new TransactWriteCommand({ TransactItems: items as never }));
}

function record(number: string): CertificateRecord {
  return {
    number,
    code: `code-${number}`,
    registrationId: `R-${number}`,
    year: 2030,
    unit: '440000',
    name: '张三',
    enterpriseName: '某某有限公司',
    programmeTitle: '领军人才培训',
    classNumber: 3,
    theme: '数字化转型',
    host: '某大学',
    city: '北京',
    startDate: '2030-05-01',
    endDate: '2030-05-08',
    issuedOn: '2030-05-09',
    status: 'issued',
  } as CertificateRecord;
}

describe('certificate store against DynamoDB Local', () => {
  it('numbers certificates 1, 2, 3 per class, each class on its own', async () => {
    expect(await nextCertificateSequence(2030, 1)).toBe(1);
    expect(await nextCertificateSequence(2030, 1)).toBe(2);
    expect(await nextCertificateSequence(2030, 2)).toBe(1);
    expect(await nextCertificateSequence(2031, 1)).toBe(1);
    expect(await nextCertificateSequence(2030, 1)).toBe(3);
  });

  it('writes a certificate once and reads back exactly the record', async () => {
    const issued = record('LJ2030-03-001');
    await transact(certificatePut(issued));
    expect(await getCertificate('LJ2030-03-001')).toEqual(issued);
    const raw = await dynamoClient().send(
      new GetCommand({ TableName: STORE_TABLE, Key: { pk: 'CERT#LJ2030-03-001', sk: 'CERT' } }),
    );
    expect(raw.Item).toEqual({ pk: 'CERT#LJ2030-03-001', sk: 'CERT', type: 'certificate', ...issued });
    await expect(transact(certificatePut({ ...issued, name: '李四' }))).rejects.toThrow();
    expect((await getCertificate('LJ2030-03-001'))?.name).toBe('张三');
    expect(await getCertificate('LJ2030-03-999')).toBeUndefined();
  });

  it('revokes an issued certificate once, keeping the first revocation', async () => {
    await transact(certificatePut(record('LJ2030-03-002')));
    await transact(certificateRevocation('LJ2030-03-002', { at: '2030-06-01T00:00:00Z', by: 'staff:a', reason: '错' }));
    const revoked = await getCertificate('LJ2030-03-002');
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedAt: '2030-06-01T00:00:00Z',
      revokedBy: 'staff:a',
      revokedReason: '错',
    });
    expect(revoked).not.toHaveProperty('replacedBy');
    // Not issued any more: a second plain revocation is refused.
    await expect(
      transact(certificateRevocation('LJ2030-03-002', { at: '2030-06-02T00:00:00Z', by: 'staff:b', reason: '再' })),
    ).rejects.toThrow();
    // A certificate that does not exist cannot be revoked.
    await expect(
      transact(certificateRevocation('LJ2030-03-404', { at: '2030-06-02T00:00:00Z', by: 'staff:b', reason: '无' })),
    ).rejects.toThrow();
    expect(await getCertificate('LJ2030-03-404')).toBeUndefined();
  });

  it('a re-issue may replace a revoked certificate once, keeping the first revocation details', async () => {
    await transact(certificatePut(record('LJ2030-03-003')));
    await transact(certificateRevocation('LJ2030-03-003', { at: '2030-06-01T00:00:00Z', by: 'staff:a', reason: '一' }));
    await transact(
      certificateRevocation('LJ2030-03-003', {
        at: '2030-06-05T00:00:00Z',
        by: 'staff:b',
        reason: '二',
        replacedBy: 'LJ2030-03-010',
      }),
    );
    expect(await getCertificate('LJ2030-03-003')).toMatchObject({
      status: 'revoked',
      revokedAt: '2030-06-01T00:00:00Z',
      revokedBy: 'staff:a',
      revokedReason: '一',
      replacedBy: 'LJ2030-03-010',
    });
    await expect(
      transact(
        certificateRevocation('LJ2030-03-003', {
          at: '2030-06-06T00:00:00Z',
          by: 'staff:c',
          reason: '三',
          replacedBy: 'LJ2030-03-011',
        }),
      ),
    ).rejects.toThrow();
    expect((await getCertificate('LJ2030-03-003'))?.replacedBy).toBe('LJ2030-03-010');
    await expect(
      transact(
        certificateRevocation('LJ2030-03-405', { at: '2030-06-06T00:00:00Z', by: 'c', reason: '三', replacedBy: 'x' }),
      ),
    ).rejects.toThrow();
  });

  it('a re-issue revokes an issued certificate directly', async () => {
    await transact(certificatePut(record('LJ2030-03-004')));
    await transact(
      certificateRevocation('LJ2030-03-004', {
        at: '2030-07-01T00:00:00Z',
        by: 'staff:d',
        reason: '改名',
        replacedBy: 'N2',
      }),
    );
    expect(await getCertificate('LJ2030-03-004')).toMatchObject({
      status: 'revoked',
      revokedAt: '2030-07-01T00:00:00Z',
      revokedBy: 'staff:d',
      revokedReason: '改名',
      replacedBy: 'N2',
    });
  });

  it('reads and numbers through the configured table when the store is loaded afresh', async () => {
    // `table()` is module-level: only a fresh import sees a change to it.
    await transact(certificatePut(record('2030-09-001')));
    vi.resetModules();
    const fresh = await import('../../shared/adapters/certificate-store');
    expect(await fresh.getCertificate('2030-09-001')).toEqual(record('2030-09-001'));
    expect(await fresh.nextCertificateSequence(2030, 9)).toBe(1);
  });
});
