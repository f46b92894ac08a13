import { AsyncLocalStorage } from 'node:async_hooks';
import { dynamoClient, s3Client } from '../../shared/adapters/aws-clients';
import { DATA_ACCESS, type DataAccess, objectAllowed, partitionAllowed } from '../data-access';
import type { FunctionName } from '../function-names';

/**
 * IAM for the local cloud. DynamoDB Local and s3rver accept every call, so a function whose role in AWS lacks a
 * permission would pass every local test and fail on deploy. Each invocation runs with the function's name in
 * async context; a middleware on the shared SDK clients checks each call against infra/data-access.ts, the same
 * declaration the stack's roles are built from, and refuses what the role would refuse (AccessDeniedException).
 * Calls outside any function (the local cloud seeding, tests reading the table) are not checked.
 */
export const invokingFunction = new AsyncLocalStorage<FunctionName>();

/** Denied calls, for tests that want to see them rather than only the function's failure. */
export const deniedCalls: string[] = [];

const guarded = new WeakSet<object>();

/** Installs the guard on the current clients (idempotent; clients are re-created when the emulators restart). */
export function guardClients(): void {
  const dynamo = dynamoClient();
  if (!guarded.has(dynamo)) {
    guarded.add(dynamo);
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const fn = invokingFunction.getStore();
        if (fn) checkDynamo(fn, String(context.commandName), args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'localAccessGuard', override: true },
    );
  }
  const s3 = s3Client();
  if (!guarded.has(s3)) {
    guarded.add(s3);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const fn = invokingFunction.getStore();
        if (fn) checkS3(fn, String(context.commandName), args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'localAccessGuard', override: true },
    );
  }
}

class AccessDenied extends Error {
  constructor(fn: FunctionName, what: string) {
    super(`${fn} is not authorized to ${what} (infra/data-access.ts)`);
    this.name = 'AccessDeniedException';
    deniedCalls.push(this.message);
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'S' in value) return String((value as { S: unknown }).S);
  return String(value);
}

function partitionOf(key: unknown): string {
  return text((key as Record<string, unknown> | undefined)?.pk);
}

function checkItem(
  fn: FunctionName,
  access: DataAccess,
  action: 'read' | 'query' | 'write',
  pk: string,
  operation: string,
) {
  const allowed = action === 'read' ? access.reads : action === 'query' ? access.queries : access.writes;
  if (!partitionAllowed(allowed, pk)) throw new AccessDenied(fn, `${operation} on partition ${pk.split('#')[0]}#…`);
}

function checkDynamo(fn: FunctionName, command: string, input: Record<string, unknown>): void {
  const access = DATA_ACCESS[fn];
  if (!access) throw new AccessDenied(fn, `${command}: the function declares no data access`);
  switch (command) {
    case 'GetCommand':
    case 'GetItemCommand':
      checkItem(fn, access, 'read', partitionOf(input.Key), 'GetItem');
      return;
    case 'PutCommand':
    case 'PutItemCommand':
      checkItem(fn, access, 'write', partitionOf(input.Item), 'PutItem');
      return;
    case 'UpdateCommand':
    case 'UpdateItemCommand':
      checkItem(fn, access, 'write', partitionOf(input.Key), 'UpdateItem');
      return;
    case 'DeleteCommand':
    case 'DeleteItemCommand':
      checkItem(fn, access, 'write', partitionOf(input.Key), 'DeleteItem');
      return;
    case 'QueryCommand': {
      const index = input.IndexName as string | undefined;
      if (index) {
        if (!(access.indexes as readonly string[]).includes(index)) throw new AccessDenied(fn, `Query index ${index}`);
        return;
      }
      const placeholder = /^\s*\S+\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression ?? ''))?.[1];
      const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      const pkValue = placeholder ? text(values[placeholder]) : '';
      checkItem(fn, access, 'query', pkValue, 'Query');
      return;
    }
    case 'TransactWriteCommand':
    case 'TransactWriteItemsCommand': {
      for (const item of (input.TransactItems ?? []) as Record<string, Record<string, unknown>>[]) {
        if (item.Put) checkItem(fn, access, 'write', partitionOf(item.Put.Item), 'PutItem');
        if (item.Update) checkItem(fn, access, 'write', partitionOf(item.Update.Key), 'UpdateItem');
        if (item.Delete) checkItem(fn, access, 'write', partitionOf(item.Delete.Key), 'DeleteItem');
        if (item.ConditionCheck)
          checkItem(fn, access, 'read', partitionOf(item.ConditionCheck.Key), 'ConditionCheckItem');
      }
      return;
    }
    default:
      // Scan, batch and table operations are granted to no function.
      throw new AccessDenied(fn, command.replace(/Command$/, ''));
  }
}

function checkS3(fn: FunctionName, command: string, input: Record<string, unknown>): void {
  const { objects } = DATA_ACCESS[fn];
  const key = String(input.Key ?? '');
  switch (command) {
    case 'GetObjectCommand':
    case 'HeadObjectCommand':
      if (!objectAllowed(objects.read, key)) throw new AccessDenied(fn, `read s3 ${key.split('/')[0]}/…`);
      return;
    case 'PutObjectCommand':
    case 'CreateMultipartUploadCommand':
    case 'UploadPartCommand':
    case 'CompleteMultipartUploadCommand':
    case 'AbortMultipartUploadCommand':
      if (!objectAllowed(objects.write, key)) throw new AccessDenied(fn, `write s3 ${key.split('/')[0]}/…`);
      return;
    case 'DeleteObjectCommand':
      if (!input.VersionId || !objectAllowed(objects.deleteVersion, key)) {
        throw new AccessDenied(fn, `delete s3 ${key.split('/')[0]}/…`);
      }
      return;
    default:
      throw new AccessDenied(fn, `s3 ${command.replace(/Command$/, '')}`);
  }
}
