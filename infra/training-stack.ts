import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type { Construct } from 'constructs';
import { CERTIFICATE_FONT_MODULE } from '../shared/certificates/certificate-pdf';
import { AdminApi } from './constructs/admin-api';
import { Intake } from './constructs/intake';
import { type MailTransport, Notices } from './constructs/notices';
import { Storage } from './constructs/storage';
import { acknowledgeGrants, TrainingFunction } from './constructs/training-function';
import { Workflow } from './constructs/workflow';

export interface TrainingStackProps extends StackProps {
  readonly programmeYear: number;
  readonly allowedOrigins: readonly string[];
  readonly senderDomain: string;
  /** SES (default) or an SMTP relay (`-c mail=smtp`, for regions without SES). */
  readonly mailTransport?: MailTransport;
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
  readonly certificateFunction: TrainingFunction;
  readonly publicFunction: TrainingFunction;
  readonly evaluationFunction: TrainingFunction;

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
      transport: props.mailTransport ?? { kind: 'ses', senderDomain: props.senderDomain },
      mailFrom: props.mailFrom,
      replyTo: props.replyTo,
      table,
      logKey: key,
      baseEnvironment,
      concurrency: 2,
    });
    // send-notice reads the registration, writes evaluation invitations, and signs certificate download links.
    table.grantReadWriteData(this.notices.sendNotice.fn);
    acknowledgeGrants(this.notices.sendNotice, 'tableIndexes', 'keyUse');
    this.storage.personHashKey.grantRead(this.notices.sendNotice.fn);
    this.notices.sendNotice.fn.addEnvironment('PERSON_HASH_SECRET_ARN', this.storage.personHashKey.secretArn);

    // Certificates are rendered where they are issued: the CJK font travels with those functions.
    const font = certificateFont();
    this.workflow = new Workflow(this, 'Workflow', {
      table,
      key,
      sendNotice: this.notices.sendNotice,
      baseEnvironment,
      taskEnvironment: font.environment,
      taskAssets: [font.asset],
    });
    uploadsBucket.grantPut(this.workflow.workflowTask.fn, 'certificates/*');
    acknowledgeGrants(this.workflow.workflowTask, 'certificatesPrefix', 'bucketPut');
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

    this.certificateFunction = new TrainingFunction(this, 'CertificateApiFunction', {
      name: 'certificate-api',
      description: 'Certificates: PDF for staff and the unit, revocation, re-issue, a class archive',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: { ...baseEnvironment, ...font.environment },
      assets: [font.asset],
    });
    table.grantReadWriteData(this.certificateFunction.fn);
    uploadsBucket.grantReadWrite(this.certificateFunction.fn, 'certificates/*');
    uploadsBucket.grantReadWrite(this.certificateFunction.fn, 'archives/*');
    acknowledgeGrants(
      this.certificateFunction,
      'tableIndexes',
      'keyUse',
      'bucketRead',
      'bucketWrite',
      'certificatesPrefix',
      'archivesPrefix',
    );
    apiFunction(this.certificateFunction);

    // No sign-in: verification, download by signed link, evaluation by personal link. Its own role.
    this.publicFunction = new TrainingFunction(this, 'PublicApiFunction', {
      name: 'public-api',
      description: 'Public routes: certificate verification and signed download, evaluation by personal link',
      timeout: Duration.seconds(10),
      memorySize: 512,
      logKey: key,
      environment: baseEnvironment,
    });
    // Internet-facing: only the items a public route reads or writes, by partition key. Never a registration.
    this.publicFunction.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': PUBLIC_PARTITIONS },
        },
      }),
    );
    key.grantEncryptDecrypt(this.publicFunction.fn);
    uploadsBucket.grantRead(this.publicFunction.fn, 'certificates/*');
    this.storage.personHashKey.grantRead(this.publicFunction.fn);
    this.publicFunction.fn.addEnvironment('PERSON_HASH_SECRET_ARN', this.storage.personHashKey.secretArn);
    acknowledgeGrants(this.publicFunction, 'keyUse', 'bucketRead', 'certificatesPrefix');
    apiFunction(this.publicFunction);

    this.evaluationFunction = new TrainingFunction(this, 'EvaluationApiFunction', {
      name: 'evaluation-api',
      description: 'Staff: evaluation aggregates per class and programme, export, reminders',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: baseEnvironment,
    });
    table.grantReadWriteData(this.evaluationFunction.fn);
    this.notices.allowSending(this.evaluationFunction);
    acknowledgeGrants(this.evaluationFunction, 'tableIndexes', 'keyUse');
    apiFunction(this.evaluationFunction);

    this.api = new AdminApi(this, 'Api', {
      key,
      allowedOrigins: props.allowedOrigins,
      targets: {
        'upload-url': this.intake.uploadUrl,
        'admin-api': this.adminFunction,
        'class-api': this.classFunction,
        'certificate-api': this.certificateFunction,
        'public-api': this.publicFunction,
        'evaluation-api': this.evaluationFunction,
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

/** The partitions the public routes touch: certificates, evaluation links and answers, the programme. */
export const PUBLIC_PARTITIONS = ['CERT#*', 'EVALTOKEN#*', 'EVAL#*', 'PROGRAMME#*'];

/** Functions behind API Gateway are invoked synchronously: the caller sees the error, a DLQ would never receive. */
function apiFunction(fn: TrainingFunction): void {
  Validations.of(fn.fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: 'Invoked synchronously by API Gateway; the caller sees the error, so there is nothing to dead-letter.',
  });
}

/** The certificate font, copied beside the bundle of each function that renders certificates. */
function certificateFont() {
  const from = createRequire(import.meta.url).resolve(CERTIFICATE_FONT_MODULE);
  const to = `fonts/${basename(from)}`;
  return { asset: { from, to }, environment: { CERTIFICATE_FONT_PATH: `/var/task/${to}` } };
}
