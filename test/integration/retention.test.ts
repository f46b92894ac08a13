import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME, type Endpoints, type LocalCloud } from '../../infra/local/cloud';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { scanTable, uploadTrainees } from './support';

const DAY = 24 * 3600;

/**
 * Issue 10 item 6, against DynamoDB Local: an ended registration is deleted by TTL after the retention period, and
 * the secondary indexes never hold the ID number, mobile or email (only their masked forms).
 */
describe('retention and what the indexes hold', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
  });
  afterAll(async () => stop?.());

  it('keeps personal details out of every index, and lists still show them masked', async () => {
    const person = validTrainee(801);
    await uploadTrainees(endpoints, '110000', [person]);
    await cloud.idle();
    const secrets = [String(person.idNumber), String(person.mobile), String(person.email)];
    for (const [index, pk] of [
      ['byUnit', { name: 'gsi1pk', value: 'UNIT#2024#110000' }],
      ['byYear', { name: 'gsi3pk', value: 'YEAR#2024' }],
    ] as const) {
      const result = await dynamoClient().send(
        new QueryCommand({
          TableName: TABLE_NAME,
          IndexName: index,
          KeyConditionExpression: `${pk.name} = :pk`,
          ExpressionAttributeValues: { ':pk': pk.value },
        }),
      );
      expect(result.Items?.length, index).toBeGreaterThan(0);
      const text = JSON.stringify(result.Items);
      for (const secret of secrets) expect(text, index).not.toContain(secret);
      expect(result.Items?.[0]?.masked?.idNumber).toMatch(/^\d{6}\*+\d{3}[\dX]$/);
    }
    // The base item still has them, for the notices and the reviewer's full record.
    const [stored] = (await scanTable()).filter((item) => item.type === 'registration');
    expect(stored?.personal).toMatchObject({ idNumber: person.idNumber, mobile: person.mobile, email: person.email });

    const listed = await api(endpoints, '/registrations', { token: endpoints.tokens.staff });
    expect(listed.body.items[0]).toMatchObject({ idNumber: stored?.masked.idNumber, mobile: stored?.masked.mobile });
    const detail = await api(endpoints, `/registrations/${stored?.registrationId}`, { token: endpoints.tokens.staff });
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toContain(String(person.idNumber));
  });

  it('sets a registration to expire when its journey ends (withdrawn), after the retention period', async () => {
    const [stored] = (await scanTable()).filter((item) => item.type === 'registration');
    expect(stored?.expiresAt).toBeUndefined();
    const before = Math.floor(Date.now() / 1000);
    const reply = await api(endpoints, `/registrations/${stored?.registrationId}/withdraw`, {
      token: endpoints.tokens['110000'],
      body: { reason: '企业自愿退出' },
    });
    expect(reply.status).toBe(202);
    const [withdrawn] = (await scanTable()).filter(
      (item) => item.registrationId === stored?.registrationId && item.type === 'registration',
    );
    // Programme time runs ahead of the wall clock in the local cloud: allow for it, but the period is 730 days.
    const days = (Number(withdrawn?.expiresAt) - before) / DAY;
    expect(withdrawn?.status).toBe('withdrawn');
    expect(Math.round(days - (Date.parse(withdrawn?.updatedAt) / 1000 - before) / DAY)).toBe(730);
  });
});
