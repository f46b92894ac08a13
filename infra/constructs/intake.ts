import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TrainingFunction } from './training-function';

export interface IntakeProps {
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly baseEnvironment: Record<string, string>;
  /** Bounds how hard the deadline-night burst can hit DynamoDB and SES. */
  readonly ingestConcurrency: number;
}

/**
 * How forms get in: the presigned-POST issuer, and the ingest function S3 triggers on every new upload, with
 * bounded async retries and an encrypted queue that keeps every event that still failed (see README: re-drive).
 */
export class Intake extends Construct {
  readonly uploadUrl: TrainingFunction;
  readonly ingest: TrainingFunction;
  readonly failedUploads: sqs.Queue;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);

    this.uploadUrl = new TrainingFunction(this, 'UploadUrl', {
      name: 'upload-url',
      description: 'Issues a short-lived presigned POST for one unit upload',
      timeout: Duration.seconds(10),
      memorySize: 256,
      logKey: props.key,
      environment: props.baseEnvironment,
    });
    // The presigned POST is signed with this role, so it may only ever put objects under incoming/.
    this.uploadUrl.grantDataAccess(props.table, props.bucket, props.key);
    Validations.of(this.uploadUrl.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway; the caller sees the error, so there is nothing to dead-letter.',
    });

    this.failedUploads = new sqs.Queue(this, 'FailedUploads', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedUploads).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of ingest; events are re-driven from it by hand.',
    });
    Validations.of(this.failedUploads).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself the on-failure destination of ingest; events are re-driven from it by hand.',
    });

    this.ingest = new TrainingFunction(this, 'IngestUpload', {
      name: 'ingest-upload',
      description: 'Validates an uploaded form and records its registrations atomically and idempotently',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      logKey: props.key,
      environment: props.baseEnvironment,
      reservedConcurrentExecutions: props.ingestConcurrency,
    });
    this.ingest.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failedUploads),
    });
    this.ingest.grantDataAccess(props.table, props.bucket, props.key);
    Validations.of(this.ingest.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Async failures go to an on-failure destination (FailedUploads), which keeps the request and the error.',
    });
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(this.ingest.fn), {
      prefix: 'incoming/',
    });
  }
}
