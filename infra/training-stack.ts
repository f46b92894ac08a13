import { Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type { Construct } from 'constructs';
import { CERTIFICATE_FONT_MODULE } from '../shared/certificates/certificate-pdf';
import { AdminApi } from './constructs/admin-api';
import { Intake } from './constructs/intake';
import { Monitoring } from './constructs/monitoring';
import { type MailTransport, Notices } from './constructs/notices';
import { Storage } from './constructs/storage';
import { DATA_ACCESS } from './data-access';
import { TrainingFunction } from './constructs/training-function';
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
  /** Email addresses told of every alarm (subscribed to the alarm topic; each confirms by mail). */
  readonly alarmEmails?: readonly string[];
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
  readonly staffFunction: TrainingFunction;
  readonly certificateFunction: TrainingFunction;
  readonly publicFunction: TrainingFunction;
  readonly evaluationFunction: TrainingFunction;
  readonly monitoring: Monitoring;

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
    this.notices.sendNotice.grantDataAccess(table, uploadsBucket, key);
    this.notices.mailEvents.grantDataAccess(table, uploadsBucket, key);

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
    this.workflow.workflowTask.grantDataAccess(table, uploadsBucket, key);
    const stateMachineArn = this.workflow.stateMachine.stateMachineArn;

    this.intake = new Intake(this, 'Intake', {
      bucket: uploadsBucket,
      table,
      key,
      baseEnvironment: { ...baseEnvironment, STATE_MACHINE_ARN: stateMachineArn },
      ingestConcurrency: 5,
    });
    this.workflow.stateMachine.grantStartExecution(this.intake.ingest.fn);
    this.notices.allowSending(this.intake.ingest);

    this.adminFunction = new TrainingFunction(this, 'AdminApiFunction', {
      name: 'admin-api',
      description: 'Staff and unit endpoints: registrations, reports, review, templates',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: { ...baseEnvironment, STATE_MACHINE_ARN: stateMachineArn },
    });
    this.adminFunction.grantDataAccess(table, uploadsBucket, key);
    this.workflow.stateMachine.grantTaskResponse(this.adminFunction.fn);
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
    this.classFunction.grantDataAccess(table, uploadsBucket, key);
    this.workflow.stateMachine.grantTaskResponse(this.classFunction.fn);
    Validations.of(this.classFunction.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Invoked synchronously by API Gateway; the caller sees the error, so there is nothing to dead-letter.',
    });

    // The programme office's operations: its role writes audit events and exports, which admin-api's does not.
    this.staffFunction = new TrainingFunction(this, 'StaffApiFunction', {
      name: 'staff-api',
      description: 'Programme office: quotas, exports, programme settings, audit trail, unit archives',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: baseEnvironment,
    });
    this.staffFunction.grantDataAccess(table, uploadsBucket, key);
    apiFunction(this.staffFunction);

    this.certificateFunction = new TrainingFunction(this, 'CertificateApiFunction', {
      name: 'certificate-api',
      description: 'Certificates: PDF for staff and the unit, revocation, re-issue, a class archive',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: { ...baseEnvironment, ...font.environment },
      assets: [font.asset],
    });
    this.certificateFunction.grantDataAccess(table, uploadsBucket, key);
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
    this.publicFunction.grantDataAccess(table, uploadsBucket, key);
    apiFunction(this.publicFunction);

    this.evaluationFunction = new TrainingFunction(this, 'EvaluationApiFunction', {
      name: 'evaluation-api',
      description: 'Staff: evaluation aggregates per class and programme, export, reminders',
      timeout: Duration.seconds(29),
      memorySize: 1024,
      logKey: key,
      environment: baseEnvironment,
    });
    this.evaluationFunction.grantDataAccess(table, uploadsBucket, key);
    this.notices.allowSending(this.evaluationFunction);
    apiFunction(this.evaluationFunction);

    this.api = new AdminApi(this, 'Api', {
      key,
      allowedOrigins: props.allowedOrigins,
      targets: {
        'upload-url': this.intake.uploadUrl,
        'admin-api': this.adminFunction,
        'class-api': this.classFunction,
        'staff-api': this.staffFunction,
        'certificate-api': this.certificateFunction,
        'public-api': this.publicFunction,
        'evaluation-api': this.evaluationFunction,
      },
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      key,
      table,
      bucket: uploadsBucket,
      failedUploads: this.intake.failedUploads,
      stateMachine: this.workflow.stateMachine,
      httpApi: this.api.httpApi,
      configurationSetName: this.notices.configurationSet?.configurationSetName,
      functions: this.node.findAll().filter((c): c is TrainingFunction => c instanceof TrainingFunction),
      existingAlarms: [this.workflow.failedRegistrationsAlarm, this.workflow.failedExecutionsAlarm],
      alarmEmails: props.alarmEmails ?? [],
      baseEnvironment,
    });

    // Every function of the stack, the monitoring check included: none is left out of the bucket and key policies.
    const functions = this.node.findAll().filter((c): c is TrainingFunction => c instanceof TrainingFunction);
    this.limitWhoReadsFiles(functions);
    // The HMAC key (person lock, signed links, paging cursors), for the functions declared to use it.
    for (const fn of functions) {
      if (!DATA_ACCESS[fn.functionName].hmacKey) continue;
      this.storage.personHashKey.grantRead(fn.role);
      fn.fn.addEnvironment('PERSON_HASH_SECRET_ARN', this.storage.personHashKey.secretArn);
    }

    // CDK's own singleton that applies S3 bucket notifications at deploy time.
    const notificationsHandler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (notificationsHandler) {
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-managed deploy-time handler for bucket notifications; it only writes its own logs.',
      });
    }
  }

  /**
   * Raw uploads, their reports and full exports hold personal data. Beyond each role's own grants, the bucket refuses
   * to serve incoming/, reports/ and exports/ to any principal but the functions declared to read them, and the key refuses to decrypt
   * this bucket's objects for any other principal, so a broad grant added elsewhere later still reads nothing.
   */
  private limitWhoReadsFiles(functions: readonly TrainingFunction[]): void {
    const { uploadsBucket, key } = this.storage;
    const usesBucket = (fn: TrainingFunction) => {
      const { read = [], write = [] } = DATA_ACCESS[fn.functionName].objects;
      return read.length + write.length > 0;
    };
    const readersOf = (prefix: string) =>
      functions
        .filter((fn) => DATA_ACCESS[fn.functionName].objects.read?.includes(prefix))
        .map((fn) => fn.role.roleArn);
    for (const [prefix, name] of [
      ['incoming/', 'Uploads'],
      ['reports/', 'Reports'],
      ['exports/', 'Exports'],
    ] as const) {
      uploadsBucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `OnlyDeclaredReadersOf${name}`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [uploadsBucket.arnForObjects(`${prefix}*`)],
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': readersOf(prefix) } },
        }),
      );
    }
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyFileFunctionsDecryptUploads',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          // By service, not by the bucket's ARN: the bucket is encrypted with this key, so naming it here would be a
          // dependency cycle. The uploads bucket is the only one this key encrypts.
          StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` },
          ArnNotEquals: { 'aws:PrincipalArn': functions.filter(usesBucket).map((fn) => fn.role.roleArn) },
        },
      }),
    );
  }
}

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
