import { type CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/adapters/table-definition';

export interface StorageProps {
  /** Browser origins allowed to POST uploads straight to the bucket (the web console). */
  readonly allowedOrigins: readonly string[];
  /** Raw uploads hold personal data: they are deleted after the programme's retention period. */
  readonly uploadRetention: Duration;
}

/** Everything stateful: the customer-managed key, the uploads bucket (and its access-log bucket) and the table. */
export class Storage extends Construct {
  readonly key: kms.Key;
  readonly uploadsBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  /** Keys the hash that stands for an ID number in the person lock; never the number itself. */
  readonly personHashKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts registrations, uploads, queues and logs of the leading-talent training system',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    keepLogicalId(this.key, 'DataKey');

    // S3 server access logs cannot be delivered to an SSE-KMS bucket, so this one uses S3-managed keys.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    keepLogicalId(accessLogs, 'AccessLogsBucket');

    this.uploadsBucket = new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      cors: [
        {
          allowedOrigins: [...props.allowedOrigins],
          allowedMethods: [s3.HttpMethods.POST],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'expire-raw-uploads', prefix: 'incoming/', expiration: props.uploadRetention },
        { id: 'expire-reports', prefix: 'reports/', expiration: props.uploadRetention },
        // A class archive is a copy made for one download (its link lasts 15 minutes): gone the next day.
        { id: 'expire-certificate-archives', prefix: 'archives/', expiration: Duration.days(1) },
        // Exports too large to be a reply: served once by a 5-minute link, then gone.
        { id: 'expire-exports', prefix: 'exports/', expiration: Duration.days(1) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    keepLogicalId(this.uploadsBucket, 'UploadsBucket');

    // Table (not TableV2): TableV2 with a customer-managed key needs a region-bound stack; this one stays portable.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.projects],
      });
    }
    keepLogicalId(this.table, 'RegistrationsTable');

    this.personHashKey = new secretsmanager.Secret(this, 'PersonHashKey', {
      description: 'HMAC key for person locks (keyed hash of the resident ID number)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    keepLogicalId(this.personHashKey, 'PersonHashKey');
    Validations.of(this.personHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating this key would change every person hash and silently break the one-person-per-year lock.',
    });
  }
}

/** Stateful resources keep their logical ids when constructs are refactored, so CloudFormation never replaces them. */
function keepLogicalId(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
