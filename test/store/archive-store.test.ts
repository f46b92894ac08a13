import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import defaultProgramme2024 from '../../data/programme-2024.json';
import {
  addNote,
  archiveYears,
  enterpriseNotes,
  MAX_ARCHIVE_NOTES,
  MAX_ARCHIVE_TRAINEES,
  unitNotes,
  unitRegistrations,
} from '../../shared/adapters/archive-store';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { resetConfig } from '../../shared/adapters/config';
import { clearProgrammeCache } from '../../shared/adapters/programme-store';
import { STORE_TABLE } from './support/store-environment';
import { put } from './support/store-items';

// Paging cursors are signed with a key derived from the person-hash key.
process.env.PERSON_HASH_KEY = 'k'.repeat(32);
resetConfig();

afterEach(() => {
  delete process.env.CERTIFIED_RETENTION_DAYS;
  resetConfig();
  clearProgrammeCache();
});

async function putAll(items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    await dynamoClient().send(
      new BatchWriteCommand({
        RequestItems: { [STORE_TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

async function storeProgramme(year: number) {
  await put({ pk: `PROGRAMME#${year}`, sk: 'PROGRAMME', programme: { ...defaultProgramme2024, year }, version: 1 });
}

/** A registration as the byUnit index holds it, with personal values the archive must not read. */
function registration(registrationId: string, year: number, unit: string, padding = '') {
  return {
    pk: `REG#${registrationId}`,
    sk: 'REG',
    gsi1pk: `UNIT#${year}#${unit}`,
    gsi1sk: `certified#${registrationId}`,
    registrationId,
    year,
    unit,
    status: 'certified',
    classNumber: 2,
    certificate: { number: `N-${registrationId}` },
    masked: { idNumber: '110105********002X' },
    trainee: {
      name: '王五',
      enterpriseName: '某公司',
      creditCode: '91110000000000000X',
      position: '总经理',
      idNumber: '11010519900101002X',
      phone: '13800000000',
    },
    padding,
  };
}

describe('archive store against DynamoDB Local', () => {
  it('spans the programme years from next year back over the certified retention (2025 to 2019 by default)', async () => {
    // PROGRAMME_YEAR is 2024 in the test environment; 2024 has a shipped default.
    for (const year of [2018, 2019, 2021, 2025, 2026]) await storeProgramme(year);
    const years = await archiveYears();
    expect(years.map(({ year }) => year)).toEqual([2025, 2024, 2021, 2019]);
    expect(years[0]?.programme.year).toBe(2025);
    expect(years[1]?.programme.year).toBe(2024);
  });

  it('rounds a retention of part of a year up to a whole year', async () => {
    process.env.CERTIFIED_RETENTION_DAYS = '400';
    resetConfig();
    for (const year of [2021, 2022]) await storeProgramme(year);
    expect((await archiveYears()).map(({ year }) => year)).toEqual([2025, 2024, 2022]);
  });

  it("reads a unit's registrations of the given years, newest year first, with only what the archive shows", async () => {
    await putAll([
      registration('R-2027-a', 2027, '510000'),
      registration('R-2028-a', 2028, '510000'),
      registration('R-2028-b', 2028, '510000'),
      registration('R-2028-x', 2028, '520000'),
      registration('R-2026-a', 2026, '510000'),
    ]);
    // The projection is module-level: read through a fresh import, so a changed projection is the one tested (it is
    // what keeps the full ID number and the phone out of the archive).
    vi.resetModules();
    const fresh = await import('../../shared/adapters/archive-store');
    const { items, truncated } = await fresh.unitRegistrations('510000', [2028, 2027]);
    expect(truncated).toBe(false);
    expect(items.map((item) => item.registrationId)).toEqual(['R-2028-a', 'R-2028-b', 'R-2027-a']);
    expect(items[0]).toEqual({
      registrationId: 'R-2028-a',
      year: 2028,
      unit: '510000',
      status: 'certified',
      classNumber: 2,
      certificate: { number: 'N-R-2028-a' },
      masked: { idNumber: '110105********002X' },
      trainee: { name: '王五', enterpriseName: '某公司', creditCode: '91110000000000000X', position: '总经理' },
    });
  });

  it(`reads past DynamoDB's 1 MB page and stops at ${MAX_ARCHIVE_TRAINEES} registrations, saying so`, async () => {
    const padding = 'x'.repeat(1000);
    const items = [];
    for (let i = 0; i < MAX_ARCHIVE_TRAINEES; i++) {
      items.push(registration(`R-${String(i).padStart(4, '0')}`, 2029, '530000', padding));
    }
    items.push(registration('R-extra', 2030, '530000'));
    await putAll(items);
    const full = await unitRegistrations('530000', [2029]);
    expect(full.items).toHaveLength(MAX_ARCHIVE_TRAINEES);
    expect(full.truncated).toBe(false);
    expect(full.items.at(-1)?.registrationId).toBe('R-2999');
    const over = await unitRegistrations('530000', [2030, 2029]);
    expect(over.items).toHaveLength(MAX_ARCHIVE_TRAINEES);
    expect(over.truncated).toBe(true);
    expect(over.items[0]?.registrationId).toBe('R-extra');
  });

  it('adds a note under the unit and enterprise, and lists them newest written first', async () => {
    const first = await addNote({
      unit: '610000',
      creditCode: 'CC1',
      date: '2031-03-01',
      text: '回访：企业运营正常',
      by: 'unit:610000',
      at: '2031-03-02T00:00:00.000Z',
    });
    expect(first).toEqual({
      noteId: expect.stringMatching(/^[0-9a-f]{16}$/),
      unit: '610000',
      creditCode: 'CC1',
      date: '2031-03-01',
      text: '回访：企业运营正常',
      by: 'unit:610000',
      at: '2031-03-02T00:00:00.000Z',
    });
    const stored = await dynamoClient().send(
      new QueryCommand({
        TableName: STORE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'UNIT#610000' },
      }),
    );
    expect(stored.Items?.[0]).toMatchObject({ type: 'archive-note', noteId: first.noteId });
    const second = await addNote({ ...first, creditCode: 'CC2', at: '2031-04-01T00:00:00.000Z', text: '二' });
    const third = await addNote({ ...first, at: '2031-05-01T00:00:00.000Z', text: '三' });
    await addNote({ ...first, unit: '620000', text: '他单位' });
    await put({ pk: 'UNIT#610000', sk: 'CONTACT', email: 'a@b.cn' });
    const { items, truncated } = await unitNotes('610000');
    expect(truncated).toBe(false);
    // Ordered by enterprise, then time, descending: CC2's note, then CC1's newest and oldest.
    expect(items).toEqual([second, third, first]);
  });

  it(`stops a unit's notes at ${MAX_ARCHIVE_NOTES}, past a 1 MB page, saying so`, async () => {
    const text = 'y'.repeat(1000);
    const notes = [];
    for (let i = 0; i <= MAX_ARCHIVE_NOTES; i++) {
      const at = `2032-01-01T00:00:${String(i).padStart(6, '0')}`;
      notes.push({
        pk: 'UNIT#630000',
        sk: `NOTE#CC#${at}#${i}`,
        type: 'archive-note',
        noteId: String(i),
        unit: '630000',
        creditCode: 'CC',
        date: '2032-01-01',
        text,
        by: 'unit:630000',
        at,
      });
    }
    await putAll(notes.slice(0, MAX_ARCHIVE_NOTES));
    const full = await unitNotes('630000');
    expect(full.items).toHaveLength(MAX_ARCHIVE_NOTES);
    expect(full.truncated).toBe(false);
    expect(full.items.at(-1)?.noteId).toBe('0');
    await putAll(notes.slice(MAX_ARCHIVE_NOTES));
    const over = await unitNotes('630000');
    expect(over.items).toHaveLength(MAX_ARCHIVE_NOTES);
    expect(over.truncated).toBe(true);
    expect(over.items[0]?.noteId).toBe(String(MAX_ARCHIVE_NOTES));
  });

  it("pages one enterprise's notes, newest first, not another enterprise's whose code extends it", async () => {
    const base = { unit: '640000', date: '2033-01-01', by: 'staff:s' };
    const a1 = await addNote({ ...base, creditCode: 'ABC', text: '1', at: '2033-01-01T00:00:00.000Z' });
    const a2 = await addNote({ ...base, creditCode: 'ABC', text: '2', at: '2033-02-01T00:00:00.000Z' });
    const a3 = await addNote({ ...base, creditCode: 'ABC', text: '3', at: '2033-03-01T00:00:00.000Z' });
    await addNote({ ...base, creditCode: 'ABCD', text: 'other', at: '2033-04-01T00:00:00.000Z' });
    await addNote({ ...base, unit: '650000', creditCode: 'ABC', text: 'other unit', at: '2033-04-01T00:00:00.000Z' });
    const query = { unit: '640000', creditCode: 'ABC', caller: 'staff:s' };
    const first = await enterpriseNotes({ ...query, limit: 2 });
    expect(first.items).toEqual([a3, a2]);
    expect(first.next).toEqual(expect.any(String));
    const rest = await enterpriseNotes({ ...query, limit: 2, cursor: first.next as string });
    expect(rest.items).toEqual([a1]);
    expect(rest.next).toBeNull();
    await expect(
      enterpriseNotes({ ...query, creditCode: 'ABCD', limit: 2, cursor: first.next as string }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(
      enterpriseNotes({ ...query, unit: '650000', limit: 2, cursor: first.next as string }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(
      enterpriseNotes({ ...query, caller: 'unit:640000', limit: 2, cursor: first.next as string }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await enterpriseNotes({ ...query, creditCode: 'ZZZ', limit: 2 })).items).toEqual([]);
  });
});
