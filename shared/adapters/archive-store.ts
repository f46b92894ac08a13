import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Programme } from '../domain/programme';
import type { ArchiveNote, ArchiveSource } from '../domain/unit-archive';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { ARCHIVE_NOTE_PREFIX, indexKeys, keys } from './keys';
import { loadProgramme } from './programme-store';

const table = () => loadConfig().TABLE_NAME;

/**
 * The programme years an archive spans: those with a programme (a stored PROGRAMME#<year> item or a shipped
 * default), from the year after the current one back as far as a certified registration is kept. Anything older
 * has been deleted by its TTL, so there is nothing of it to list; the window keeps the look-ups to a handful of
 * GetItems, each cached by the programme store, instead of a Scan for every PROGRAMME# partition.
 */
export async function archiveYears(): Promise<{ year: number; programme: Programme }[]> {
  const config = loadConfig();
  const oldest = config.PROGRAMME_YEAR - Math.ceil(config.CERTIFIED_RETENTION_DAYS / 365);
  // Stryker disable next-line ArrayDeclaration: a candidate that is not a year has no programme (no item, no default) and is dropped
  const candidates: number[] = [];
  for (let year = config.PROGRAMME_YEAR + 1; year >= oldest; year--) candidates.push(year);
  const programmes = await Promise.all(candidates.map((year) => loadProgramme(year)));
  return candidates.flatMap((year, i) => {
    const programme = programmes[i];
    return programme ? [{ year, programme }] : [];
  });
}

/**
 * Only what the archive shows: the trainee's name, enterprise and position (nested paths of the projected `trainee`
 * map), the masked ID number, the class, the outcome and the certificate.
 */
const ARCHIVE_PROJECTION = {
  ProjectionExpression:
    'registrationId, #year, #unit, #status, classNumber, certificate, masked, #trainee.#name, #trainee.enterpriseName, #trainee.creditCode, #trainee.#position',
  names: {
    '#year': 'year',
    '#unit': 'unit',
    '#status': 'status',
    '#trainee': 'trainee',
    '#name': 'name',
    '#position': 'position',
  },
};

/**
 * Bounds on one archive read. A unit sends at most its quota a year (23 in 2024's sample table), so even a large
 * unit's archive over the retention window is a few hundred rows; the bound keeps a mistaken table from making a
 * reply too large for Lambda (6 MB), and the reply says when it was reached.
 */
export const MAX_ARCHIVE_TRAINEES = 3000;
export const MAX_ARCHIVE_NOTES = 2000;

/** A unit's registrations of the given years, newest year first, by the byUnit index (one Query per year). */
export async function unitRegistrations(
  unit: string,
  years: readonly number[],
): Promise<{ items: ArchiveSource[]; truncated: boolean }> {
  const items: ArchiveSource[] = [];
  for (const year of years) {
    const input: QueryCommandInput = {
      TableName: table(),
      IndexName: 'byUnit',
      KeyConditionExpression: 'gsi1pk = :pk',
      // Stryker disable next-line StringLiteral: only gsi1pk is read; the status and id arguments shape gsi1sk alone
      ExpressionAttributeValues: { ':pk': indexKeys.byUnit(year, unit, '', '').gsi1pk },
      ExpressionAttributeNames: ARCHIVE_PROJECTION.names,
      ProjectionExpression: ARCHIVE_PROJECTION.ProjectionExpression,
    };
    do {
      const result = await dynamoClient().send(new QueryCommand(input));
      // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
      for (const item of result.Items ?? []) {
        if (items.length === MAX_ARCHIVE_TRAINEES) return { items, truncated: true };
        items.push(item as ArchiveSource);
      }
      input.ExclusiveStartKey = result.LastEvaluatedKey;
    } while (input.ExclusiveStartKey);
  }
  return { items, truncated: false };
}

export interface NewNote {
  readonly unit: string;
  readonly creditCode: string;
  readonly date: string;
  readonly text: string;
  readonly by: string;
  readonly at: string;
}

export async function addNote(note: NewNote): Promise<ArchiveNote> {
  const noteId = randomBytes(8).toString('hex');
  const stored: ArchiveNote = { noteId, ...note };
  await dynamoClient().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.archiveNote(note.unit, note.creditCode, note.at, noteId), type: 'archive-note', ...stored },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return stored;
}

/** Every note of a unit (bounded), newest written first: what the archive shows under each enterprise. */
export async function unitNotes(unit: string): Promise<{ items: ArchiveNote[]; truncated: boolean }> {
  const items: ArchiveNote[] = [];
  const input: QueryCommandInput = {
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `UNIT#${unit}`, ':prefix': ARCHIVE_NOTE_PREFIX },
    ScanIndexForward: false,
  };
  do {
    const result = await dynamoClient().send(new QueryCommand(input));
    // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
    for (const item of result.Items ?? []) {
      if (items.length === MAX_ARCHIVE_NOTES) return { items, truncated: true };
      items.push(toNote(item));
    }
    input.ExclusiveStartKey = result.LastEvaluatedKey;
  } while (input.ExclusiveStartKey);
  return { items, truncated: false };
}

/** One enterprise's notes in a unit's archive, newest written first, paged. */
export async function enterpriseNotes(query: {
  readonly unit: string;
  readonly creditCode: string;
  readonly cursor?: string;
  readonly limit: number;
  readonly caller: string;
}): Promise<Page<ArchiveNote>> {
  const binding = {
    caller: query.caller,
    // Stryker disable next-line StringLiteral: the name need only differ from other lists' names, and no other list binds a unit and a credit code
    query: { list: 'archive-notes', unit: query.unit, creditCode: query.creditCode },
  };
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': `UNIT#${query.unit}`,
        ':prefix': `${ARCHIVE_NOTE_PREFIX}${query.creditCode}#`,
      },
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: await decodeCursor(query.cursor, binding),
    }),
  );
  return {
    // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
    items: (result.Items ?? []).map(toNote),
    next: result.LastEvaluatedKey ? await encodeCursor(result.LastEvaluatedKey, binding) : null,
  };
}

function toNote(item: Record<string, unknown>): ArchiveNote {
  return {
    noteId: String(item.noteId),
    unit: String(item.unit),
    creditCode: String(item.creditCode),
    date: String(item.date),
    text: String(item.text),
    by: String(item.by),
    at: String(item.at),
  };
}
