import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionEntry, type FunctionName } from '../function-names';

export interface TrainingFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly logKey: kms.IKey;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Every Lambda of the system is built the same way: Node 24 on Graviton, a minified ESM bundle with source maps,
 * JSON logs into an encrypted log group with a retention, and X-Ray tracing. Only size, time and env differ.
 */
export class TrainingFunction extends Construct {
  readonly fn: NodejsFunction;
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
    this.fn = new NodejsFunction(this, 'Function', {
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
      },
    });
  }
}
