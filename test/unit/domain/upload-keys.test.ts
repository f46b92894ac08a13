import { describe, expect, it } from 'vitest';
import { classUploadOwner, parseUploadKey, uploadKey } from '../../../shared/domain/upload';

const UPLOAD_ID = '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85';

describe('upload keys: a unit’s forms and a class’s sign-in sheets', () => {
  it('names a class’s uploads class-<nn> and refuses numbers outside 1–99', () => {
    expect(classUploadOwner(1)).toBe('class-01');
    expect(classUploadOwner(12)).toBe('class-12');
    for (const bad of [0, 100, 1.5, -1]) expect(() => classUploadOwner(bad)).toThrow(RangeError);
  });

  it('builds and parses a class’s key, with its class number', () => {
    const key = uploadKey(2024, classUploadOwner(3), UPLOAD_ID, 'xlsx');
    expect(key).toBe(`incoming/2024/class-03/${UPLOAD_ID}.xlsx`);
    expect(parseUploadKey(key)).toEqual({
      year: 2024,
      unit: 'class-03',
      classNumber: 3,
      uploadId: UPLOAD_ID,
      extension: 'xlsx',
    });
  });

  it('still parses a unit’s key, without a class number', () => {
    const parsed = parseUploadKey(uploadKey(2024, '110000', UPLOAD_ID, 'csv'));
    expect(parsed).toEqual({ year: 2024, unit: '110000', uploadId: UPLOAD_ID, extension: 'csv' });
    expect(parsed && 'classNumber' in parsed).toBe(false);
  });

  it.each([
    `incoming/2024/class-00/${UPLOAD_ID}.xlsx`,
    `incoming/2024/class-3/${UPLOAD_ID}.xlsx`,
    `incoming/2024/class-003/${UPLOAD_ID}.xlsx`,
    `incoming/2024/class-ab/${UPLOAD_ID}.xlsx`,
    `incoming/2024/classes-03/${UPLOAD_ID}.xlsx`,
    `incoming/2024/class-03/${UPLOAD_ID}.xls`,
    `incoming/2024/class-03/../${UPLOAD_ID}.xlsx`,
  ])('refuses %s', (key) => {
    expect(parseUploadKey(key)).toBeUndefined();
  });
});
