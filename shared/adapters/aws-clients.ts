import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from './config';
import { tracer } from './tracer';

/**
 * One client per service per container, created on first use. Endpoints come from the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, so the local cloud differs from AWS only in environment. Each client is
 * traced: every call is a subsegment of the invocation's trace, so a slow ingest or review shows where time went.
 */
let dynamo: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let ses: SESv2Client | undefined;
let sfn: SFNClient | undefined;

export function dynamoClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function s3Client(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({ forcePathStyle: loadConfig().S3_FORCE_PATH_STYLE }));
  return s3;
}

export function sesClient(): SESv2Client {
  ses ??= tracer.captureAWSv3Client(new SESv2Client({}));
  return ses;
}

export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

/** The local cloud restarts emulators on new ports between test runs. */
export function resetClients(): void {
  dynamo = undefined;
  s3 = undefined;
  ses = undefined;
  sfn = undefined;
}
