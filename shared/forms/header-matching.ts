import type { CellValue, FormField, FormKind } from '../domain/registration/form-fields';
import { fieldsOf } from '../domain/registration/form-fields';
import { normaliseText } from '../domain/registration/normalise-text';
import { cellText } from '../domain/registration/row-checker';

/**
 * Headers are matched by meaning, not position: offices reorder columns, add their own, mark required ones with *,
 * type brackets and spaces full-width and add notes such as "（必填）".
 */
export function headerKey(text: string): string {
  return normaliseText(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s*＊:：]/g, '');
}

const withoutNotes = (key: string) => key.replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/g, '');

interface FieldKeys {
  readonly field: FormField;
  readonly exact: ReadonlySet<string>;
  readonly loose: ReadonlySet<string>;
}

const keysByForm = new Map<FormKind, readonly FieldKeys[]>(
  (['trainee', 'unit'] as const).map((form) => [
    form,
    fieldsOf(form).map((field) => {
      const names = [field.header, ...field.aliases].map(headerKey);
      return { field, exact: new Set(names), loose: new Set(names.map(withoutNotes)) };
    }),
  ]),
);

export interface HeaderMatch {
  readonly form: FormKind;
  /** Field key → 0-based column index. */
  readonly columns: ReadonlyMap<string, number>;
  /** Field key → the header text as the file writes it. */
  readonly headerTexts: ReadonlyMap<string, string>;
  readonly missingRequired: readonly FormField[];
  readonly matchedRequired: number;
}

export function matchHeaderRow(cells: readonly CellValue[], form: FormKind): HeaderMatch {
  // Stryker disable next-line ArrayDeclaration: the table holds both forms, and a FormKind is one of them
  const fieldKeys = keysByForm.get(form) ?? [];
  const columns = new Map<string, number>();
  const headerTexts = new Map<string, string>();
  cells.forEach((cell, index) => {
    const text = cellText(cell);
    // Stryker disable next-line MethodExpression: a blank cell's key is '' whether trimmed here or not, and no header or alias is empty
    if (!text.trim()) return;
    const key = headerKey(text);
    const found =
      // Stryker disable next-line ArrowFunction: no field's header or alias, without its note, names an earlier field (both forms' tables), so the loose pass finds the same field
      fieldKeys.find((candidate) => candidate.exact.has(key) && !columns.has(candidate.field.key)) ??
      fieldKeys.find((candidate) => candidate.loose.has(withoutNotes(key)) && !columns.has(candidate.field.key));
    if (!found) return;
    columns.set(found.field.key, index);
    headerTexts.set(found.field.key, normaliseText(text));
  });
  const required = fieldKeys.filter((candidate) => candidate.field.required).map((candidate) => candidate.field);
  const missingRequired = required.filter((field) => !columns.has(field.key));
  return { form, columns, headerTexts, missingRequired, matchedRequired: required.length - missingRequired.length };
}

/** A row counts as a header row once it names at least this many required columns of a form. */
export const HEADER_ROW_THRESHOLD = 3;

/**
 * The header row's form: whichever form's required columns it covers best (a share, since the unit form has fewer
 * columns and shares 职务/手机号码/电子邮箱 with the trainee form); the expected form wins a tie. Undefined when the row
 * is not a header row.
 */
export function detectHeaderRow(cells: readonly CellValue[], expected?: FormKind): HeaderMatch | undefined {
  const share = (match: HeaderMatch) => match.matchedRequired / (match.matchedRequired + match.missingRequired.length);
  const candidates = [matchHeaderRow(cells, 'trainee'), matchHeaderRow(cells, 'unit')]
    .filter((match) => match.matchedRequired >= HEADER_ROW_THRESHOLD)
    .sort((a, b) => share(b) - share(a) || (a.form === expected ? -1 : b.form === expected ? 1 : 0));
  return candidates[0];
}
