import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AdminApi } from './constructs/admin-api';
import { Intake } from './constructs/intake';
import { Notices } from './constructs/notices';
import { Storage } from './constructs/storage';
import { acknowledgeGrants, TrainingFunction } from './constructs/training-function';
import { Workflow } from './constructs/workflow';

export interface TrainingStackProps extends StackProps {
  readonly programmeYear: number;
  readonly allowedOrigins: readonly string[];
  readonly senderDomain: string;
  readonly mailFrom: string;
  readonly replyTo: string;
  readonly publicBaseUrl: string;
}

/** Composes the capabilities; each construct owns its resources and grants. */
export class TrainingStack extends Stack {
  readonly storage: Storage;
  readonly intake: Intake;
  readonly notices: Notices;
  readonly workflow: Workflow;
  readonly api: AdminApi;
  readonly adminFunction: TrainingFunction;
  readonly classFunction: TrainingFunction;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
    this.storage = new Storage(this, 'Storage', {
      allowedOrigins: props.allowedOrigins,
      uploadRetention: Duration.days(730),
    });
    const { table, uploadsBucket, key } = this.storage;
    const baseEnvironment = {
      TABLE_NAME: table.tableName,
      UPLOADS_BUCKET: uploadsBucket.bucketName,
      PROGRAMME_YEAR: String(props.programmeYear),
      PUBLIC_BASE_URL: props.publicBaseUrl,
      MAIL_FROM: props.mailFrom,
      MAIL_REPLY_TO: props.replyTo,
    };

    this.notices = new Notices(this, 'Notices', {
      senderDomain: props.senderDomain,
      mailFrom: props.mailFrom,
      replyTo: props.replyTo,
      logKey: key,
      baseEnvironment,
      concurrency: 2,
    });
    table.grantReadData(this.notices.sendNotice.fn);

    this.workflow = new Workflow(this, 'Workflow', {
      table,
      key,
      sendNotice: this.notices.sendNotice,
      baseEnvironment,
    });
    const stateMachineArn = this.workflow.stateMachine.stateMachineArn;

    this.intake = new Intake(this, 'Intake', {
      bucket: uploadsBucket,
      table,
      key,
      baseEnvironment: { ...baseEnvironment, STATE_MACHINE_ARN: stateMachineArn },
      ingestConcurrency: 5,
    });
    this.workflow.stateMachine.grantStartExecution(this.intake.ingest.fn);
    this.storage.personHashKey.grantRead(this.intake.ingest.fn);
    this.intake.ingest.fn.addEnvironment('PERSON_HASH_SECRET_ARN', this.storage.personHashKey.secretArn);
    this.notices.allowSending(this.intake.ingest);

    this.adminFunction = new TrainingFunction(this, 'AdminApiFunction', {
      name: 'admin-api',
      description: 'Staff and unit endpoints: registrations, reports, review, templates',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: { ...baseEnvironment, STATE_MACHINE_ARN: stateMachineArn },
    });
    table.grantReadWriteData(this.adminFunction.fn);
    uploadsBucket.grantRead(this.adminFunction.fn, 'reports/*');
    this.workflow.stateMachine.grantTaskResponse(this.adminFunction.fn);
    acknowledgeGrants(this.adminFunction, 'tableIndexes', 'keyUse', 'bucketRead', 'reportsPrefix');
    Validations.of(this.adminFunction.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway; the caller sees the error, so there is nothing to dead-letter.',
    });

    this.classFunction = new TrainingFunction(this, 'ClassApiFunction', {
      name: 'class-api',
      description: 'Classes, rosters, sign-in sheets, attendance and closing: staff and the class hosts',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: baseEnvironment,
    });
    table.grantReadWriteData(this.classFunction.fn);
    this.workflow.stateMachine.grantTaskResponse(this.classFunction.fn);
    acknowledgeGrants(this.classFunction, 'tableIndexes', 'keyUse');
    Validations.of(this.classFunction.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway; the caller sees the error, so there is nothing to dead-letter.',
    });

    this.api = new AdminApi(this, 'Api', {
      key,
      allowedOrigins: props.allowedOrigins,
      targets: {
        'upload-url': this.intake.uploadUrl,
        'admin-api': this.adminFunction,
        'class-api': this.classFunction,
      },
    });

    // CDK's own singleton that applies S3 bucket notifications at deploy time.
    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-managed deploy-time handler for bucket notifications; it only writes its own logs.',
      });
    }
  }
}
