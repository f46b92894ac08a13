import type { CellValue } from '../domain/registration/form-fields';

/** One physical row: `cells[0]` is column A. Formulas are already replaced by their cached result. */
export interface RawRow {
  /** 1-based row number as the spreadsheet shows it. */
  readonly row: number;
  readonly cells: readonly CellValue[];
}

export interface RawSheet {
  readonly name: string;
  readonly rows: AsyncIterable<RawRow>;
}

/** A-Z, AA… as Excel labels columns; `index` is 0-based. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** Spreadsheets never have more columns than this that matter; a wider row is hostile or a mistake. */
export const MAX_COLUMNS = 256;
