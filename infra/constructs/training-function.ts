import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_ACCESS, leadingKeyPatterns } from '../data-access';
import { functionEntry, type FunctionName } from '../function-names';

export interface TrainingFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly logKey: kms.IKey;
  readonly reservedConcurrentExecutions?: number;
  /** Files the handler reads at run time (a font), copied beside the bundle: `to` is relative to /var/task. */
  readonly assets?: readonly { readonly from: string; readonly to: string }[];
}

/**
 * Every Lambda of the system is built the same way: Node 24 on Graviton, a minified ESM bundle with source maps,
 * JSON logs into an encrypted log group with a retention, and X-Ray tracing. Only size, time and env differ.
 */
export class TrainingFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  /** The folder under functions/ whose handler this runs; the local cloud binds the same module. */
  readonly functionName: FunctionName;

  constructor(scope: Construct, id: string, props: TrainingFunctionProps) {
    super(scope, id);
    this.functionName = props.name;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, allowed to write its own log group only: not AWSLambdaBasicExecutionRole's any-log-group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      entry: functionEntry(props.name),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: 'LeadingTalentTraining',
        ...props.environment,
      },
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        // ESM bundles need a real `require` for the CommonJS parts of their dependencies.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // The Lambda runtime ships AWS SDK v3, but bundling our pinned release keeps one SDK version in play.
        externalModules: [],
        ...(props.assets?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, output: string) =>
                  (props.assets ?? []).flatMap(({ from, to }) => [
                    `mkdir -p "${output}/${to.split('/').slice(0, -1).join('/') || '.'}"`,
                    `cp "${from}" "${output}/${to}"`,
                  ]),
              },
            }
          : {}),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; nothing else uses *.',
    });
  }

  /**
   * The function's data access, exactly as infra/data-access.ts declares it (the local cloud enforces the same
   * declaration): items by partition-key prefix, queries on the named indexes only, objects by key prefix.
   */
  grantDataAccess(table: dynamodb.ITable, bucket: s3.IBucket, key: kms.IKey): void {
    const access = DATA_ACCESS[this.functionName];
    const leadingKeys = (prefixes: readonly string[]) => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(prefixes) },
    });
    if (access.reads.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadItems',
          actions: ['dynamodb:GetItem', 'dynamodb:ConditionCheckItem'],
          resources: [table.tableArn],
          conditions: leadingKeys(access.reads),
        }),
      );
    }
    if (access.queries.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'QueryPartitions',
          actions: ['dynamodb:Query'],
          resources: [table.tableArn],
          conditions: leadingKeys(access.queries),
        }),
      );
    }
    if (access.writes.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'WriteItems',
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: leadingKeys(access.writes),
        }),
      );
    }
    if (access.indexes.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'QueryIndexes',
          actions: ['dynamodb:Query'],
          resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    const objects = (prefixes: readonly string[] | undefined) =>
      (prefixes ?? []).map((prefix) => bucket.arnForObjects(`${prefix}*`));
    if (access.objects.read?.length) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadObjects',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: objects(access.objects.read),
        }),
      );
    }
    if (access.objects.write?.length) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'WriteObjects',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: objects(access.objects.write),
        }),
      );
    }
    if (access.objects.deleteVersion?.length) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DeleteObjectVersions',
          actions: ['s3:DeleteObjectVersion'],
          resources: objects(access.objects.deleteVersion),
        }),
      );
    }
    key.grantEncryptDecrypt(this.role);
    const prefixes = [
      ...new Set([
        ...(access.objects.read ?? []),
        ...(access.objects.write ?? []),
        ...(access.objects.deleteVersion ?? []),
      ]),
    ];
    this.acknowledgeGrantWildcards(
      prefixes.map((prefix) => `Resource::<UploadsBucket.Arn>/${prefix}*`),
      'Objects are granted by key prefix (incoming/, reports/, certificates/, archives/), one per kind of file.',
    );
    acknowledgeGrants(this, 'keyUse');
  }

  /**
   * Acknowledges the wildcards CDK's grant methods produce (action families, index/*, a key prefix). Each call
   * names exactly which ones this function's grants create, with why they are acceptable.
   */
  acknowledgeGrantWildcards(wildcards: readonly string[], reason: string): void {
    const role = this.fn.role;
    if (!role) return;
    for (const wildcard of wildcards)
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${wildcard}]`, reason });
  }
}

/** The wildcards every grant family yields, with the reason each is still least privilege. */
export const GRANT_WILDCARDS = {
  tableIndexes: {
    wildcards: ['Resource::<RegistrationsTable.Arn>/index/*'],
    reason: "Queries the table's own GSIs (byUnit, byClass, byYear); index ARNs can only be granted as index/*.",
  },
  keyUse: {
    wildcards: ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
    reason: "Encrypts through the system's one customer-managed key; the action families are scoped to that key.",
  },
  bucketRead: {
    wildcards: ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'],
    reason: 'CDK bucket read grant (object and version reads) scoped to the uploads bucket and one key prefix.',
  },
  bucketPut: {
    wildcards: ['Action::s3:Abort*'],
    reason: 'CDK bucket put grant includes aborting its own multipart uploads, scoped to one key prefix.',
  },
  incomingPrefix: {
    wildcards: ['Resource::<UploadsBucket.Arn>/incoming/*'],
    reason: 'Uploads live under incoming/<year>/<unit>/; the key itself is pinned in each presigned POST policy.',
  },
  reportsPrefix: {
    wildcards: ['Resource::<UploadsBucket.Arn>/reports/*'],
    reason: 'Upload reports live under reports/<year>/<unit>/; access is limited to that prefix.',
  },
  certificatesPrefix: {
    wildcards: ['Resource::<UploadsBucket.Arn>/certificates/*'],
    reason: 'Certificate PDFs live under certificates/<year>/<number>.pdf; access is limited to that prefix.',
  },
  archivesPrefix: {
    wildcards: ['Resource::<UploadsBucket.Arn>/archives/*'],
    reason: "A class's certificate archives live under archives/<year>/; access is limited to that prefix.",
  },
  bucketWrite: {
    wildcards: ['Action::s3:DeleteObject*', 'Action::s3:Abort*'],
    reason: 'CDK bucket write grant (put, overwrite, abort its multipart uploads) scoped to one key prefix.',
  },
} as const;

export type GrantWildcardFamily = keyof typeof GRANT_WILDCARDS;

export function acknowledgeGrants(fn: TrainingFunction, ...families: GrantWildcardFamily[]): void {
  for (const family of families)
    fn.acknowledgeGrantWildcards(GRANT_WILDCARDS[family].wildcards, GRANT_WILDCARDS[family].reason);
}
