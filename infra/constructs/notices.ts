import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeGrants, TrainingFunction } from './training-function';

/** How notices leave: SES v2 (default), or an SMTP relay where SES is not offered (AWS China regions). */
export type MailTransport =
  | { readonly kind: 'ses'; readonly senderDomain: string }
  | {
      readonly kind: 'smtp';
      readonly host: string;
      readonly port: number;
      /** The Secrets Manager secret (name) holding {"username","password"} for the relay; created by the operator. */
      readonly secretName: string;
    };

export interface NoticesProps {
  readonly transport: MailTransport;
  readonly mailFrom: string;
  readonly replyTo: string;
  readonly table: dynamodb.ITable;
  readonly logKey: kms.IKey;
  readonly baseEnvironment: Record<string, string>;
  /**
   * At most this many notices are composed and sent at once. SES's account sending rate is shared by every notice
   * (14 a second on a new production account), and one large upload starts thousands of workflows together: a
   * bounded sender turns that burst into a steady stream, and the workflow waits out the throttling in between.
   */
  readonly concurrency: number;
}

/**
 * Sending notices. With SES: a verified domain identity, a configuration set (TLS, reputation metrics) that
 * publishes bounces and complaints to EventBridge, and the handler that marks those addresses. With SMTP: no SES
 * resource at all, the relay's credentials from Secrets Manager; the relay's DSNs carry bounces (docs/operations.md).
 */
export class Notices extends Construct {
  readonly sendNotice: TrainingFunction;
  readonly configurationSet?: ses.ConfigurationSet;
  readonly identity?: ses.EmailIdentity;
  readonly mailEvents: TrainingFunction;
  private readonly smtpSecret?: secretsmanager.ISecret;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: NoticesProps,
  ) {
    super(scope, id);
    const { transport } = props;
    if (transport.kind === 'ses') {
      this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
        reputationMetrics: true,
        sendingEnabled: true,
        tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
        suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      });
      this.identity = new ses.EmailIdentity(this, 'SenderIdentity', {
        identity: ses.Identity.domain(transport.senderDomain),
        configurationSet: this.configurationSet,
      });
    } else {
      this.smtpSecret = secretsmanager.Secret.fromSecretNameV2(this, 'SmtpCredentials', transport.secretName);
    }
    this.sendNotice = new TrainingFunction(this, 'SendNotice', {
      name: 'send-notice',
      description: 'Composes and sends one notice (nominated, rejected, assigned, ...) to a trainee or unit contact',
      timeout: Duration.seconds(30),
      memorySize: 512,
      logKey: props.logKey,
      reservedConcurrentExecutions: props.concurrency,
      environment: props.baseEnvironment,
    });
    this.allowSending(this.sendNotice);
    acknowledgeGrants(this.sendNotice, 'tableIndexes');
    Validations.of(this.sendNotice.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions (whose Retry and Catch handle failures) and by the reminder schedule, whose EventBridge target has its own dead-letter queue.',
    });

    // Scheduled or SES events a function could not take after EventBridge's retries wait here for replay.
    const deadLetters = new sqs.Queue(this, 'NoticeEventsDeadLetters', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(deadLetters).acknowledge({
        id,
        reason: 'This queue is itself the dead-letter queue of the reminder and bounce rules.',
      });
    }
    // The reminder 3 days before class: a daily sweep at 09:00 Beijing time (01:00 UTC) over the classes starting
    // within 3 days. Each reminder is sent once per registration, so a repeated or late run sends nothing twice.
    new events.Rule(this, 'ClassReminderSchedule', {
      description: 'Daily: the reminder to every trainee of a class starting within 3 days',
      schedule: events.Schedule.cron({ minute: '0', hour: '1' }),
      targets: [
        new targets.LambdaFunction(this.sendNotice.fn, {
          event: events.RuleTargetInput.fromObject({ sweep: 'class-reminders' }),
          deadLetterQueue: deadLetters,
          retryAttempts: 4,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    // With SMTP there is no rule: the operator passes the relay's DSNs on (docs/operations.md).
    const mailEvents = new TrainingFunction(this, 'MailEvents', {
      name: 'mail-events',
      description:
        'Bounces and complaints (SES events, or DSNs passed on by the operator): marks the address, tells the unit',
      timeout: Duration.seconds(30),
      memorySize: 512,
      logKey: props.logKey,
      environment: props.baseEnvironment,
    });
    this.mailEvents = mailEvents;
    this.allowSending(mailEvents);
    if (this.configurationSet) {
      this.configurationSet.addEventDestination('BouncesAndComplaints', {
        destination: ses.EventDestination.eventBus(events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
        events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
      });
      new events.Rule(this, 'BounceAndComplaintRule', {
        description: 'SES bounces and complaints of the notices configuration set → mail-events',
        eventPattern: {
          source: ['aws.ses'],
          detailType: ['Email Bounced', 'Email Complaint Received'],
        },
        targets: [
          new targets.LambdaFunction(mailEvents.fn, {
            deadLetterQueue: deadLetters,
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }
    Validations.of(mailEvents.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by EventBridge, whose target has its own dead-letter queue, or synchronously by an operator passing on a DSN.',
    });
  }

  /** Lets a function send notices: through the SES identity and configuration set, or with the relay's secret. */
  allowSending(fn: TrainingFunction): void {
    const { transport, mailFrom, replyTo } = this.props;
    fn.fn.addEnvironment('MAIL_FROM', mailFrom);
    fn.fn.addEnvironment('MAIL_REPLY_TO', replyTo);
    fn.fn.addEnvironment('MAIL_TRANSPORT', transport.kind);
    if (this.identity && this.configurationSet) {
      this.identity.grantSendEmail(fn.fn);
      fn.fn.addEnvironment('MAIL_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    } else if (transport.kind === 'smtp' && this.smtpSecret) {
      this.smtpSecret.grantRead(fn.fn);
      fn.fn.addEnvironment('SMTP_HOST', transport.host);
      fn.fn.addEnvironment('SMTP_PORT', String(transport.port));
      fn.fn.addEnvironment('SMTP_SECRET_ID', transport.secretName);
    }
  }
}
