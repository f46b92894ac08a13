import fc from 'fast-check';
import { validateUpload } from '../../shared/forms/index';
import type { ValidationReport } from '../../shared/forms/validation-report';
import { CLASS_NUMBERS, validTrainee, validUnit } from '../fixtures/registration-data';
import {
  buildCsv,
  buildXlsx,
  TRAINEE_HEADERS,
  traineeRow,
  traineeWorkbook,
  UNIT_HEADERS,
  unitRow,
  unzipEntries,
} from '../fixtures/spreadsheet-files';
import { buildZip } from '../fixtures/zip-builder';

/**
 * Upload fuzzing (issue 10), shared by `npm run fuzz` (10,000 files) and the unit test (300): valid 附件3/附件4
 * workbooks and CSVs, mutated the ways real and hostile files break (byte flips, truncation, zip entries reordered,
 * resized or lying about their size, shared strings and styles corrupted, dimensions and cell references far out of
 * range), each run through validateUpload. fast-check draws the mutation plans from a seed, so a run is
 * reproducible, and the test shrinks a failing plan to a small one.
 */

export const FUZZ_SEED = 20241010;

export type BaseName = 'trainee.xlsx' | 'unit.xlsx' | 'trainee.csv' | 'unit.csv';
export type BaseFiles = Readonly<Record<BaseName, Uint8Array>>;

/** Small valid files: a few rows are enough to reach every reader path, and keep 10,000 runs short. */
export async function buildBaseFiles(): Promise<BaseFiles> {
  const trainees = [validTrainee(1), validTrainee(2), validTrainee(3)];
  return {
    'trainee.xlsx': await withoutTimestamps(await traineeWorkbook(trainees)),
    'unit.xlsx': await withoutTimestamps(
      await buildXlsx([{ name: '信息表', headers: UNIT_HEADERS, rows: [unitRow(validUnit())] }]),
    ),
    'trainee.csv': buildCsv(
      TRAINEE_HEADERS,
      trainees.map((trainee) => traineeRow(trainee)),
    ),
    'unit.csv': buildCsv(UNIT_HEADERS, [unitRow(validUnit())]),
  };
}

/** A fixed creation time and a zip without entry dates: the same seed must mutate the same bytes on any day. */
export const BASE_TIMESTAMP = '2024-08-01T00:00:00Z';
async function withoutTimestamps(workbook: Uint8Array): Promise<Uint8Array> {
  const entries = await unzipEntries(workbook);
  for (const entry of entries) {
    if (entry.name === 'docProps/core.xml') {
      entry.data = Buffer.from(
        entry.data.toString('utf8').replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, BASE_TIMESTAMP),
      );
    }
  }
  return buildZip(entries);
}

/** Where in a file or an entry, as a fraction of its length (0–9999 ten-thousandths), so a plan fits any size. */
const at = fc.integer({ min: 0, max: 9999 });

export type Mutation =
  | { readonly kind: 'flipBytes'; readonly flips: readonly (readonly [number, number])[] }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'reorderEntries'; readonly order: readonly number[] }
  | {
      readonly kind: 'resizeEntry';
      readonly entry: number;
      readonly how: 'declareLarger' | 'declareSmaller' | 'cut' | 'pad' | 'store';
      readonly amount: number;
    }
  | {
      readonly kind: 'sharedStrings';
      readonly how: 'cut' | 'unbalance' | 'hugeIndex' | 'hugeCount' | 'manyItems' | 'entities';
      readonly where: number;
    }
  | { readonly kind: 'styles'; readonly how: 'cut' | 'styleIndex' | 'numFmt' | 'garble'; readonly where: number }
  | {
      readonly kind: 'hugeDimensions';
      readonly how: 'dimension' | 'cellRef' | 'rowNumber' | 'mergeAll' | 'columnWidth';
    }
  | {
      readonly kind: 'csv';
      readonly how: 'longLine' | 'manyColumns' | 'unbalancedQuote' | 'badUtf8' | 'nul' | 'utf16';
      readonly where: number;
    };

export interface FuzzPlan {
  readonly base: BaseName;
  readonly mutations: readonly Mutation[];
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flipBytes' as const),
    flips: fc.array(fc.tuple(at, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), keep: at }),
  fc.record({
    kind: fc.constant('reorderEntries' as const),
    order: fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 30 }),
  }),
  fc.record({
    kind: fc.constant('resizeEntry' as const),
    entry: fc.nat(),
    how: fc.constantFrom('declareLarger', 'declareSmaller', 'cut', 'pad', 'store'),
    amount: at,
  }),
  fc.record({
    kind: fc.constant('sharedStrings' as const),
    how: fc.constantFrom('cut', 'unbalance', 'hugeIndex', 'hugeCount', 'manyItems', 'entities'),
    where: at,
  }),
  fc.record({
    kind: fc.constant('styles' as const),
    how: fc.constantFrom('cut', 'styleIndex', 'numFmt', 'garble'),
    where: at,
  }),
  fc.record({
    kind: fc.constant('hugeDimensions' as const),
    how: fc.constantFrom('dimension', 'cellRef', 'rowNumber', 'mergeAll', 'columnWidth'),
  }),
  fc.record({
    kind: fc.constant('csv' as const),
    how: fc.constantFrom('longLine', 'manyColumns', 'unbalancedQuote', 'badUtf8', 'nul', 'utf16'),
    where: at,
  }),
);

export const fuzzPlan: fc.Arbitrary<FuzzPlan> = fc.record({
  base: fc.constantFrom<BaseName>('trainee.xlsx', 'unit.xlsx', 'trainee.csv', 'unit.csv'),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

/** The plans of one run, reproducible from the seed. */
export function fuzzPlans(seed: number, count: number): FuzzPlan[] {
  return fc.sample(fuzzPlan, { seed, numRuns: count });
}

const position = (length: number, fraction: number) => Math.min(length, Math.floor((length * fraction) / 10_000));

type Entry = { name: string; data: Buffer; declaredSize?: number; store?: boolean };

/** Applies a plan to its base file: the bytes to upload and the name they are uploaded under. */
export async function mutate(bases: BaseFiles, plan: FuzzPlan): Promise<{ data: Uint8Array; fileName: string }> {
  let data: Buffer = Buffer.from(bases[plan.base]);
  for (const step of plan.mutations) data = await apply(data, step);
  return { data: new Uint8Array(data), fileName: plan.base };
}

async function apply(data: Buffer, step: Mutation): Promise<Buffer> {
  switch (step.kind) {
    case 'flipBytes': {
      const copy = Buffer.from(data);
      for (const [where, mask] of step.flips) {
        const index = position(copy.length - 1, where);
        if (copy.length > 0) copy[index] = (copy[index] as number) ^ mask;
      }
      return copy;
    }
    case 'truncate':
      return data.subarray(0, position(data.length, step.keep));
    case 'csv':
      return mutateCsv(data, step);
    default:
      return mutateArchive(data, step);
  }
}

function mutateCsv(data: Buffer, step: Extract<Mutation, { kind: 'csv' }>): Buffer {
  const cut = position(data.length, step.where);
  const insert = (bytes: Buffer) => Buffer.concat([data.subarray(0, cut), bytes, data.subarray(cut)]);
  switch (step.how) {
    case 'longLine':
      return insert(Buffer.from('长'.repeat(400_000)));
    case 'manyColumns':
      return insert(Buffer.from(`\r\n${','.repeat(60_000)}x\r\n`));
    case 'unbalancedQuote':
      return insert(Buffer.from('"'));
    case 'badUtf8':
      return insert(Buffer.from([0xc3, 0x28, 0xe2, 0x82, 0xff, 0xfe]));
    case 'nul':
      return insert(Buffer.alloc(64));
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(data.toString('utf8'), 'utf16le')]);
  }
}

/** Zip-level mutations; a file that is not a readable zip any more passes through unchanged (other steps broke it). */
async function mutateArchive(data: Buffer, step: Exclude<Mutation, { kind: 'flipBytes' | 'truncate' | 'csv' }>) {
  let entries: Entry[];
  try {
    entries = await unzipEntries(data);
  } catch {
    return data;
  }
  if (entries.length === 0) return data;
  const edit = (pattern: RegExp, change: (entry: Entry) => void) => {
    for (const entry of entries) if (pattern.test(entry.name)) change(entry);
  };
  const text = (entry: Entry) => entry.data.toString('utf8');
  const setText = (entry: Entry, value: string) => {
    entry.data = Buffer.from(value, 'utf8');
  };
  switch (step.kind) {
    case 'reorderEntries': {
      const keys = entries.map((entry, index) => ({ entry, key: step.order[index % step.order.length] ?? index }));
      entries = keys.sort((a, b) => a.key - b.key).map(({ entry }) => entry);
      break;
    }
    case 'resizeEntry': {
      const entry = entries[step.entry % entries.length] as Entry;
      const length = entry.data.length;
      if (step.how === 'declareLarger') entry.declaredSize = length + 1 + step.amount * 1000;
      if (step.how === 'declareSmaller') entry.declaredSize = position(length, step.amount);
      if (step.how === 'cut') entry.data = entry.data.subarray(0, position(length, step.amount));
      if (step.how === 'pad') entry.data = Buffer.concat([entry.data, Buffer.alloc(step.amount * 10, 0x20)]);
      if (step.how === 'store') entry.store = true;
      break;
    }
    case 'sharedStrings':
      edit(/sharedStrings\.xml$/, (entry) => {
        const xml = text(entry);
        const cut = position(xml.length, step.where);
        if (step.how === 'cut') setText(entry, xml.slice(0, cut));
        if (step.how === 'unbalance') setText(entry, `${xml.slice(0, cut)}<si><t>${xml.slice(cut)}`);
        if (step.how === 'hugeCount') setText(entry, xml.replace(/(count|uniqueCount)="\d+"/g, '$1="4294967295"'));
        if (step.how === 'manyItems')
          setText(entry, xml.replace('</sst>', `${'<si><t>多</t></si>'.repeat(50_000)}</sst>`));
        if (step.how === 'entities') setText(entry, xml.replace(/<t([^>]*)>/, '<t$1>&lol;&#xFFFFFF;&amp'));
      });
      if (step.how === 'hugeIndex') {
        edit(/worksheets\/sheet\d+\.xml$/, (entry) =>
          setText(entry, text(entry).replace(/<v>\d+<\/v>/, '<v>99999999999</v>')),
        );
      }
      break;
    case 'styles':
      if (step.how === 'styleIndex') {
        edit(/worksheets\/sheet\d+\.xml$/, (entry) => setText(entry, text(entry).replace(/ s="\d+"/g, ' s="65535"')));
        break;
      }
      edit(/styles\.xml$/, (entry) => {
        const xml = text(entry);
        const cut = position(xml.length, step.where);
        if (step.how === 'cut') setText(entry, xml.slice(0, cut));
        if (step.how === 'numFmt')
          setText(
            entry,
            xml
              .replace(/numFmtId="\d+"/g, 'numFmtId="-7"')
              .replace(/formatCode="[^"]*"/g, 'formatCode="[$-F800]yyyy\\@@@;;;"'),
          );
        if (step.how === 'garble')
          setText(entry, `${xml.slice(0, cut)}<cellXfs count="-1"><xf/></numFmts>${xml.slice(cut)}`);
      });
      break;
    case 'hugeDimensions':
      edit(/worksheets\/sheet\d+\.xml$/, (entry) => {
        const xml = text(entry);
        if (step.how === 'dimension')
          setText(entry, xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:XFD1048576"/>'));
        if (step.how === 'cellRef') setText(entry, xml.replace(/ r="([A-Z]+)(\d+)"/, ' r="XFD$2"'));
        if (step.how === 'rowNumber')
          setText(
            entry,
            xml.replace(/<row r="(\d+)"/g, (_m, n) => `<row r="${1_048_000 + Number(n)}"`),
          );
        if (step.how === 'mergeAll')
          setText(
            entry,
            xml.replace(
              '</worksheet>',
              '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>',
            ),
          );
        if (step.how === 'columnWidth')
          setText(entry, xml.replace(/<cols>/, '<cols><col min="1" max="16384" width="9999999" customWidth="1"/>'));
      });
      break;
  }
  return Buffer.from(buildZip(entries));
}

/** What a fuzzed file may end in: a report whose every finding has a stable code and a zh-CN message. */
export function problemWith(report: ValidationReport): string | undefined {
  for (const finding of report.findings) {
    if (!/^[A-Z][A-Z0-9_]+$/.test(finding.code)) return `finding code ${JSON.stringify(finding.code)}`;
    if (!/[\u4e00-\u9fff]/.test(finding.message)) return `finding ${finding.code} without a zh-CN message`;
  }
  if (report.unreadable) {
    const errors = report.findings.filter((finding) => finding.severity === 'error');
    // A missing header is about the file, though it names the row where the header was looked for.
    const fileLevel = errors[0]?.row === undefined || errors[0]?.code === 'HEADER_MISSING';
    if (errors.length !== 1 || !fileLevel) return 'an unreadable file without one file-level code';
  }
  if (!report.valid && !report.findings.some((finding) => finding.severity === 'error')) return 'invalid with no error';
  if (report.valid && report.findings.some((finding) => finding.severity === 'error')) return 'valid with an error';
  return undefined;
}

/** One fuzz case: undefined when it ended as it should, otherwise what went wrong (a throw included). */
export async function runFuzzCase(bases: BaseFiles, plan: FuzzPlan): Promise<string | undefined> {
  const { data, fileName } = await mutate(bases, plan);
  try {
    const report = await validateUpload(data, fileName, { classNumbers: CLASS_NUMBERS });
    return problemWith(report);
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
}
