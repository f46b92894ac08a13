import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import shipped from '../../../data/programme-2024.json';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { clearProgrammeCache, loadProgramme, saveProgrammeVersion } from '../../../shared/adapters/programme-store';
import { parseProgramme } from '../../../shared/domain/programme';

/**
 * The programme cache: the function that saved serves its save at once, and every other warm function re-reads the
 * programme within 10 seconds (docs/programme-settings.md says so; the bound is written out here by hand).
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const stored = parseProgramme(shipped);
const edited = { ...stored, reviewTimeoutDays: 21, sampleData: false };
const noGuards = { quotaAtMost: new Map(), classSeatsAtMost: new Map() };

beforeEach(() => {
  const env = {
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'b',
    PROGRAMME_YEAR: '2024',
    PUBLIC_BASE_URL: 'http://localhost',
    MAIL_FROM: 'x <a@b.cn>',
    MAIL_REPLY_TO: 'a@b.cn',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEONLY',
    AWS_SECRET_ACCESS_KEY: 'example-secret-not-real',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  resetConfig();
  resetClients();
  dynamo.reset();
  clearProgrammeCache();
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('programme cache', () => {
  it('serves a save at once in the function that saved it, without reading the table', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'PROGRAMME#2024', sk: 'PROGRAMME', programme: stored } });
    dynamo.on(TransactWriteCommand).resolves({});
    expect((await loadProgramme(2024))?.reviewTimeoutDays).toBe(30);
    const outcome = await saveProgrammeVersion(
      { year: 2024, programme: edited, by: 'staff', at: '2024-08-24T01:00:00.000Z', reason: 'r', changes: [] },
      0,
      noGuards,
    );
    expect(outcome.kind).toBe('saved');
    expect((await loadProgramme(2024))?.reviewTimeoutDays).toBe(21);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('in another function, serves the programme it read for less than 10 s, then reads the saved one', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { programme: stored } })
      .resolves({ Item: { programme: edited, version: 1 } });
    expect((await loadProgramme(2024))?.reviewTimeoutDays).toBe(30);
    vi.advanceTimersByTime(9_999);
    expect((await loadProgramme(2024))?.reviewTimeoutDays).toBe(30);
    vi.advanceTimersByTime(1);
    expect((await loadProgramme(2024))?.reviewTimeoutDays).toBe(21);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(2);
  });
});
