import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CursorBinding, decodeCursor, encodeCursor } from '../../../shared/adapters/cursor';
import { useUnitTestEnvironment } from '../../support/unit-environment';

const KEY = 'k'.repeat(64);
const binding: CursorBinding = {
  caller: 'local-unit-110000',
  query: { list: 'registrations', year: 2024, unit: '110000', classNumber: 3 },
};
const lastKey = { pk: 'REG#R2024-110000-AAAA', sk: 'REG', gsi2pk: 'CLASS#2024#03', gsi2sk: 'R2024-110000-AAAA' };
const invalid = expect.objectContaining({ code: 'INVALID_CURSOR', status: 400 });

describe('paging cursors: signed, and bound to the caller and the query', () => {
  beforeEach(() => useUnitTestEnvironment({ PERSON_HASH_KEY: KEY }));

  it('round-trips the key for the same caller and query', async () => {
    const cursor = await encodeCursor(lastKey, binding);
    expect(await decodeCursor(cursor, binding)).toEqual(lastKey);
    // The filters' order in the binding is not part of what is signed.
    const reordered = {
      caller: binding.caller,
      query: { classNumber: 3, unit: '110000', year: 2024, list: 'registrations' },
    };
    expect(await decodeCursor(cursor, reordered)).toEqual(lastKey);
  });

  it('refuses a cursor replayed by another caller (400 INVALID_CURSOR)', async () => {
    const cursor = await encodeCursor(lastKey, binding);
    await expect(decodeCursor(cursor, { ...binding, caller: 'local-unit-120000' })).rejects.toThrow(invalid);
  });

  it.each([
    ['another unit', { unit: '120000' }],
    ['another class', { classNumber: 4 }],
    ['another year', { year: 2025 }],
    ['a status filter added', { status: 'nominated' }],
    ['the class filter dropped', { classNumber: undefined }],
    ['another list', { list: 'history' }],
  ])('refuses a cursor replayed on %s', async (_label, change) => {
    const cursor = await encodeCursor(lastKey, binding);
    await expect(decodeCursor(cursor, { ...binding, query: { ...binding.query, ...change } })).rejects.toThrow(invalid);
  });

  it('refuses a cursor whose key was changed, even with the old signature kept', async () => {
    const cursor = await encodeCursor(lastKey, binding);
    const signature = cursor.split('.')[1];
    const tampered = Buffer.from(JSON.stringify({ ...lastKey, pk: 'REG#R2024-120000-BBBB' })).toString('base64url');
    await expect(decodeCursor(`${tampered}.${signature}`, binding)).rejects.toThrow(invalid);
  });

  it('refuses an unsigned cursor of the old format (a bare LastEvaluatedKey)', async () => {
    const bare = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
    await expect(decodeCursor(bare, binding)).rejects.toThrow(invalid);
  });

  it('refuses a cursor signed with a key the caller guessed (the person-hash key itself, or no derivation)', async () => {
    const payload = Buffer.from(JSON.stringify(lastKey)).toString('base64url');
    for (const key of [KEY, 'secret']) {
      const forged = createHmac('sha256', key)
        .update(JSON.stringify(['v1', binding.caller, Object.entries(binding.query).sort(), payload]))
        .digest('base64url');
      await expect(decodeCursor(`${payload}.${forged}`, binding)).rejects.toThrow(invalid);
    }
  });

  it.each(['', '.', 'a.b.c', '!!!.???', 'x'.repeat(2048)])('refuses garbage %j', async (garbage) => {
    if (garbage === '') {
      expect(await decodeCursor(garbage, binding)).toBeUndefined();
      return;
    }
    await expect(decodeCursor(garbage, binding)).rejects.toThrow(invalid);
  });

  it('a cursor issued under one deployment’s secret is refused under another’s', async () => {
    const cursor = await encodeCursor(lastKey, binding);
    useUnitTestEnvironment({ PERSON_HASH_KEY: 'z'.repeat(64) });
    await expect(decodeCursor(cursor, binding)).rejects.toThrow(invalid);
  });
});
