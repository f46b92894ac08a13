import { describe, expect, it } from 'vitest';
import { columnLetter } from '../../../shared/forms/sheet-rows';

// Findings name a column the way Excel labels it. The expected labels are Excel's own (A…Z, then AA…AZ, BA…,
// ZZ, then AAA), written out by hand, never computed: the carry at Z is where a wrong base-26 step shows.
describe('columnLetter (0-based index → Excel column label)', () => {
  it.each([
    [0, 'A'],
    [1, 'B'],
    [24, 'Y'],
    [25, 'Z'],
    [26, 'AA'],
    [27, 'AB'],
    [51, 'AZ'],
    [52, 'BA'],
    [255, 'IV'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('column %i is labelled %s', (index, label) => {
    expect(columnLetter(index)).toBe(label);
  });
});
