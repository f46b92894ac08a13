import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import shipped from '../../data/programme-2024.json';
import {
  clearProgrammeCache,
  getProgrammeVersion,
  listProgrammeVersions,
  loadProgramme,
  loadProgrammeRecord,
  readProgramme,
  type SaveGuards,
  saveProgramme,
  saveProgrammeVersion,
} from '../../shared/adapters/programme-store';
import type { AuditEvent } from '../../shared/domain/audit';
import { type Programme, parseProgramme } from '../../shared/domain/programme';
import { partition, put } from './support/store-items';

/**
 * The programme store against DynamoDB Local: the shipped default, seeding, versioned saves on condition of the
 * version the editor started from (docs/programme-settings.md, "Versions, concurrency and attribution"), the guards
 * on lowered limits, the version list and the cache of the programme in force ("How soon the new programme applies").
 * Each test uses its own year (its own partition); the cache is per module, so it is cleared before each test.
 */
const sample = parseProgramme(shipped);
const programmeOf = (year: number, reviewTimeoutDays = 30): Programme => ({ ...sample, year, reviewTimeoutDays });
const noGuards: SaveGuards = { quotaAtMost: new Map(), classSeatsAtMost: new Map() };
const versionOf = (year: number, programme: Programme, at: string, reason = 'r') => ({
  year,
  programme,
  by: 'staff:s1',
  at,
  reason,
  changes: [{ path: 'reviewTimeoutDays', from: 30, to: programme.reviewTimeoutDays }],
});

beforeEach(() => {
  clearProgrammeCache();
  vi.stubEnv('PERSON_HASH_KEY', 'store-test-person-hash-key-0123456789abcdef');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('programme store against DynamoDB Local: defaults and seeding', () => {
  it('serves the shipped 2024 programme at version 0 until one is stored, and nothing for a year without one', async () => {
    // Imported afresh so the module-level table of defaults is evaluated inside this test (mutation testing changes
    // it; see docs/mutation-testing.md, "Module tables that survive").
    vi.resetModules();
    const { defaultProgramme, loadProgramme, loadProgrammeRecord, readProgramme } = await import(
      '../../shared/adapters/programme-store'
    );
    expect(defaultProgramme(2024)).toEqual(sample);
    expect(defaultProgramme(2045)).toBeUndefined();
    const record = await readProgramme(2024);
    expect(record).toEqual({ programme: sample, version: 0 });
    expect(record).not.toHaveProperty('savedAt');
    expect(record).not.toHaveProperty('savedBy');
    expect((await loadProgramme(2024))?.year).toBe(2024);
    expect(await readProgramme(2045)).toBeUndefined();
    expect(await loadProgramme(2045)).toBeUndefined();
    expect(await loadProgrammeRecord(2045)).toBeUndefined();
  });

  it('seeds a programme without a version, and a seed keeps the version counter of saved versions', async () => {
    await saveProgramme(programmeOf(2040, 40));
    expect(await partition('PROGRAMME#2040')).toEqual([
      { pk: 'PROGRAMME#2040', sk: 'PROGRAMME', type: 'programme', programme: programmeOf(2040, 40) },
    ]);
    expect(await readProgramme(2040)).toEqual({ programme: programmeOf(2040, 40), version: 0 });
    // A stored programme is checked as the shipped one is: what is read has the schema's defaults.
    const saved = await saveProgrammeVersion(
      versionOf(2040, programmeOf(2040, 41), '2040-08-01T00:00:00.000Z'),
      0,
      noGuards,
    );
    expect(saved.kind).toBe('saved');
    await saveProgramme(programmeOf(2040, 42));
    expect(await readProgramme(2040)).toEqual({
      programme: programmeOf(2040, 42),
      version: 1,
      savedAt: '2040-08-01T00:00:00.000Z',
      savedBy: 'staff:s1',
    });
  });

  it('reads a stored programme through the schema (its defaults filled in)', async () => {
    const { reviewTimeoutDays: _r, timeZone: _t, ...bare } = programmeOf(2041);
    await put({ pk: 'PROGRAMME#2041', sk: 'PROGRAMME', programme: bare, version: 3 });
    const record = await readProgramme(2041);
    expect(record?.programme.reviewTimeoutDays).toBe(30);
    expect(record?.programme.timeZone).toBe('Asia/Shanghai');
    expect(record?.version).toBe(3);
  });
});

describe('programme store against DynamoDB Local: the cache', () => {
  it('keeps a programme it read for less than 10 seconds, then reads the table again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await put({ pk: 'PROGRAMME#2042', sk: 'PROGRAMME', programme: programmeOf(2042, 20), version: 1 });
    expect((await loadProgramme(2042))?.reviewTimeoutDays).toBe(20);
    // Another function saves: this one still serves what it read …
    await put({ pk: 'PROGRAMME#2042', sk: 'PROGRAMME', programme: programmeOf(2042, 21), version: 2 });
    vi.advanceTimersByTime(9_999);
    expect(await loadProgrammeRecord(2042)).toMatchObject({ version: 1, programme: { reviewTimeoutDays: 20 } });
    // … but an editor reads the stored one, and from then on so does this function.
    expect((await readProgramme(2042))?.version).toBe(2);
    await put({ pk: 'PROGRAMME#2042', sk: 'PROGRAMME', programme: programmeOf(2042, 22), version: 3 });
    expect((await loadProgrammeRecord(2042))?.version).toBe(2);
    vi.advanceTimersByTime(10_000);
    expect((await loadProgrammeRecord(2042))?.version).toBe(3);
    await put({ pk: 'PROGRAMME#2042', sk: 'PROGRAMME', programme: programmeOf(2042, 23), version: 4 });
    clearProgrammeCache();
    expect((await loadProgrammeRecord(2042))?.version).toBe(4);
  });

  it('keeps each year apart in the cache', async () => {
    await put({ pk: 'PROGRAMME#2043', sk: 'PROGRAMME', programme: programmeOf(2043, 43), version: 1 });
    await put({ pk: 'PROGRAMME#2044', sk: 'PROGRAMME', programme: programmeOf(2044, 44), version: 1 });
    expect((await loadProgramme(2043))?.reviewTimeoutDays).toBe(43);
    expect((await loadProgramme(2044))?.reviewTimeoutDays).toBe(44);
  });

  it('serves a seed at once in the function that seeded', async () => {
    await saveProgramme(programmeOf(2046, 46));
    expect((await loadProgramme(2046))?.reviewTimeoutDays).toBe(46);
    await saveProgramme(programmeOf(2046, 47));
    expect((await loadProgramme(2046))?.reviewTimeoutDays).toBe(47);
  });

  it('serves a save at once in the function that saved, and a refused save changes nothing it serves', async () => {
    await put({ pk: 'PROGRAMME#2047', sk: 'PROGRAMME', programme: programmeOf(2047, 30), version: 1 });
    expect((await loadProgramme(2047))?.reviewTimeoutDays).toBe(30);
    const saved = await saveProgrammeVersion(
      versionOf(2047, programmeOf(2047, 31), '2047-08-01T00:00:00.000Z'),
      1,
      noGuards,
    );
    expect(saved).toEqual({
      kind: 'saved',
      record: {
        programme: programmeOf(2047, 31),
        version: 2,
        savedAt: '2047-08-01T00:00:00.000Z',
        savedBy: 'staff:s1',
      },
    });
    // Served from the cache: a change behind its back is not seen yet.
    await put({ pk: 'PROGRAMME#2047', sk: 'PROGRAMME', programme: programmeOf(2047, 99), version: 2 });
    expect(await loadProgrammeRecord(2047)).toEqual(saved.kind === 'saved' ? saved.record : undefined);
    const refused = await saveProgrammeVersion(
      versionOf(2047, programmeOf(2047, 50), '2047-08-02T00:00:00.000Z'),
      1,
      noGuards,
    );
    expect(refused).toEqual({ kind: 'version-changed' });
    expect((await loadProgramme(2047))?.reviewTimeoutDays).toBe(31);
  });
});

describe('programme store against DynamoDB Local: versioned saves', () => {
  const audit = (at: string, year: number): AuditEvent => ({
    at,
    action: 'programme.change',
    actor: 'staff:s1',
    role: 'staff',
    target: `programme:${year}`,
    sourceIp: '192.0.2.1',
    userAgent: 'test',
    requestId: `req-${year}`,
    detail: { version: 1, previousVersion: 0 },
  });

  it('writes the current programme, its immutable version item and the audit event together', async () => {
    const version = versionOf(2050, programmeOf(2050, 31), '2050-08-01T00:00:00.000Z', '替换示例课表');
    const outcome = await saveProgrammeVersion(version, 0, noGuards, audit('2050-08-01T00:00:00.000Z', 2050));
    expect(outcome.kind).toBe('saved');
    const items = await partition('PROGRAMME#2050');
    expect(items).toEqual([
      {
        pk: 'PROGRAMME#2050',
        sk: 'PROGRAMME',
        type: 'programme',
        programme: programmeOf(2050, 31),
        version: 1,
        savedAt: '2050-08-01T00:00:00.000Z',
        savedBy: 'staff:s1',
      },
      {
        pk: 'PROGRAMME#2050',
        sk: 'VERSION#0001',
        type: 'programme-version',
        year: 2050,
        version: 1,
        programme: programmeOf(2050, 31),
        by: 'staff:s1',
        at: '2050-08-01T00:00:00.000Z',
        reason: '替换示例课表',
        changes: [{ path: 'reviewTimeoutDays', from: 30, to: 31 }],
      },
    ]);
    const events = await partition('AUDIT#2050-08');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'audit', action: 'programme.change', target: 'programme:2050' });
    expect(await readProgramme(2050)).toMatchObject({ version: 1, savedBy: 'staff:s1' });
  });

  it('saves only over the version the editor started from; a refused save leaves no version and no audit event', async () => {
    const first = versionOf(2051, programmeOf(2051, 31), '2051-08-01T00:00:00.000Z');
    expect((await saveProgrammeVersion(first, 0, noGuards)).kind).toBe('saved');
    // None stored counts as 0: a second editor who started from 0 is refused.
    const late = versionOf(2051, programmeOf(2051, 32), '2051-08-02T00:00:00.000Z');
    expect(await saveProgrammeVersion(late, 0, noGuards, audit('2051-08-02T00:00:00.000Z', 2051))).toEqual({
      kind: 'version-changed',
    });
    expect(await saveProgrammeVersion(late, 2, noGuards, audit('2051-08-02T00:00:00.000Z', 2051))).toEqual({
      kind: 'version-changed',
    });
    expect(await partition('AUDIT#2051-08')).toEqual([]);
    expect((await partition('PROGRAMME#2051')).map((item) => item.sk)).toEqual(['PROGRAMME', 'VERSION#0001']);
    expect((await readProgramme(2051))?.programme.reviewTimeoutDays).toBe(31);
    const second = await saveProgrammeVersion(late, 1, noGuards);
    expect(second).toMatchObject({ kind: 'saved', record: { version: 2 } });
    expect((await partition('PROGRAMME#2051')).map((item) => item.sk)).toEqual([
      'PROGRAMME',
      'VERSION#0001',
      'VERSION#0002',
    ]);
    expect((await readProgramme(2051))?.version).toBe(2);
  });

  it('refuses a save over a version the year never had, and saves the first version over a seeded programme', async () => {
    expect(
      await saveProgrammeVersion(versionOf(2052, programmeOf(2052), '2052-08-01T00:00:00.000Z'), 1, noGuards),
    ).toEqual({
      kind: 'version-changed',
    });
    expect(await partition('PROGRAMME#2052')).toEqual([]);
    await saveProgramme(programmeOf(2052, 20));
    const saved = await saveProgrammeVersion(
      versionOf(2052, programmeOf(2052, 21), '2052-08-01T00:00:00.000Z'),
      0,
      noGuards,
    );
    expect(saved).toMatchObject({ kind: 'saved', record: { version: 1 } });
  });

  it('never overwrites a version item: a save whose version number is taken is refused as changed', async () => {
    await put({ pk: 'PROGRAMME#2053', sk: 'VERSION#0001', type: 'programme-version', version: 1, reason: 'kept' });
    expect(
      await saveProgrammeVersion(versionOf(2053, programmeOf(2053), '2053-08-01T00:00:00.000Z'), 0, noGuards),
    ).toEqual({
      kind: 'version-changed',
    });
    expect(await partition('PROGRAMME#2053')).toEqual([
      { pk: 'PROGRAMME#2053', sk: 'VERSION#0001', type: 'programme-version', version: 1, reason: 'kept' },
    ]);
  });

  it('re-checks each lowered quota and capacity against the seats used, in the same transaction', async () => {
    await put({ pk: 'PROGRAMME#2054', sk: 'QUOTA#110000', used: 5 });
    await put({ pk: 'PROGRAMME#2054', sk: 'CLASS#03', used: 60 });
    const at = '2054-08-01T00:00:00.000Z';
    const overQuota = { quotaAtMost: new Map([['110000', 4]]), classSeatsAtMost: new Map() };
    expect(await saveProgrammeVersion(versionOf(2054, programmeOf(2054), at), 0, overQuota, audit(at, 2054))).toEqual({
      kind: 'state-changed',
    });
    const overCapacity = { quotaAtMost: new Map(), classSeatsAtMost: new Map([[3, 59]]) };
    expect(await saveProgrammeVersion(versionOf(2054, programmeOf(2054), at), 0, overCapacity)).toEqual({
      kind: 'state-changed',
    });
    expect(await partition('AUDIT#2054-08')).toEqual([]);
    expect((await partition('PROGRAMME#2054')).map((item) => item.sk)).toEqual(['CLASS#03', 'QUOTA#110000']);
    // A limit equal to the seats used holds, and so does one on a unit or class with no seats used yet.
    const atLimit: SaveGuards = {
      quotaAtMost: new Map([
        ['110000', 5],
        ['120000', 0],
      ]),
      classSeatsAtMost: new Map([
        [3, 60],
        [4, 0],
      ]),
    };
    expect(await saveProgrammeVersion(versionOf(2054, programmeOf(2054), at), 0, atLimit)).toMatchObject({
      kind: 'saved',
    });
  });

  it('checks at most 97 limits, so the save fits in one transaction with its audit event', async () => {
    await put({ pk: 'PROGRAMME#2055', sk: 'CLASS#01', used: 80 });
    const quotaAtMost = new Map(Array.from({ length: 97 }, (_, index) => [`U${String(index).padStart(4, '0')}`, 1]));
    // The 98th check (class 1 over its new capacity) does not fit, and is not made.
    const guards: SaveGuards = { quotaAtMost, classSeatsAtMost: new Map([[1, 10]]) };
    const at = '2055-08-01T00:00:00.000Z';
    expect(
      await saveProgrammeVersion(versionOf(2055, programmeOf(2055), at), 0, guards, audit(at, 2055)),
    ).toMatchObject({
      kind: 'saved',
    });
    expect(await partition('AUDIT#2055-08')).toHaveLength(1);
  });
});

describe('programme store against DynamoDB Local: saved versions', () => {
  it('lists saved versions newest first, a page at a time, without the programmes or other items', async () => {
    for (const [index, days] of [31, 32, 33].entries()) {
      const at = `2060-08-0${index + 1}T00:00:00.000Z`;
      const outcome = await saveProgrammeVersion(
        versionOf(2060, programmeOf(2060, days), at, `r${index + 1}`),
        index,
        noGuards,
      );
      expect(outcome.kind).toBe('saved');
    }
    await put({ pk: 'PROGRAMME#2060', sk: 'QUOTA#110000', used: 2 });
    await put({ pk: 'PROGRAMME#2060', sk: 'WAITLIST#2060-08-01#R1' });
    await put({ pk: 'PROGRAMME#2061', sk: 'VERSION#0001', year: 2061, version: 1 });
    const first = await listProgrammeVersions(2060, { limit: 2, caller: 'staff:s1' });
    expect(first.items).toEqual([
      {
        year: 2060,
        version: 3,
        by: 'staff:s1',
        at: '2060-08-03T00:00:00.000Z',
        reason: 'r3',
        changes: [{ path: 'reviewTimeoutDays', from: 30, to: 33 }],
      },
      {
        year: 2060,
        version: 2,
        by: 'staff:s1',
        at: '2060-08-02T00:00:00.000Z',
        reason: 'r2',
        changes: [{ path: 'reviewTimeoutDays', from: 30, to: 32 }],
      },
    ]);
    expect(first.next).toEqual(expect.any(String));
    const second = await listProgrammeVersions(2060, { limit: 2, caller: 'staff:s1', cursor: first.next ?? undefined });
    expect(second.items.map((item) => item.version)).toEqual([1]);
    expect(second.next).toBeNull();
    // A cursor is good for its caller and its year only.
    await expect(
      listProgrammeVersions(2060, { limit: 2, caller: 'staff:s2', cursor: first.next ?? undefined }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    await expect(
      listProgrammeVersions(2061, { limit: 2, caller: 'staff:s1', cursor: first.next ?? undefined }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    expect((await listProgrammeVersions(2062, { limit: 2, caller: 'staff:s1' })).items).toEqual([]);
  });

  it('reads one saved version whole, without its keys', async () => {
    await saveProgrammeVersion(
      versionOf(2063, programmeOf(2063, 31), '2063-08-01T00:00:00.000Z', 'first'),
      0,
      noGuards,
    );
    await saveProgrammeVersion(
      versionOf(2063, programmeOf(2063, 32), '2063-08-02T00:00:00.000Z', 'second'),
      1,
      noGuards,
    );
    expect(await getProgrammeVersion(2063, 1)).toEqual({
      year: 2063,
      version: 1,
      programme: programmeOf(2063, 31),
      by: 'staff:s1',
      at: '2063-08-01T00:00:00.000Z',
      reason: 'first',
      changes: [{ path: 'reviewTimeoutDays', from: 30, to: 31 }],
    });
    expect((await getProgrammeVersion(2063, 2))?.reason).toBe('second');
    expect(await getProgrammeVersion(2063, 3)).toBeUndefined();
    expect(await getProgrammeVersion(2064, 1)).toBeUndefined();
  });
});
