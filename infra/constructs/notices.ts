import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { acknowledgeGrants, TrainingFunction } from './training-function';

export interface NoticesProps {
  /** The domain notices are sent from; SES verifies it by the DKIM records this construct outputs. */
  readonly senderDomain: string;
  readonly mailFrom: string;
  readonly replyTo: string;
  readonly logKey: kms.IKey;
  readonly baseEnvironment: Record<string, string>;
  /**
   * At most this many notices are composed and sent at once. SES's account sending rate is shared by every notice
   * (14 a second on a new production account), and one large upload starts thousands of workflows together: a
   * bounded sender turns that burst into a steady stream, and the workflow waits out the throttling in between.
   */
  readonly concurrency: number;
}

/** SES sending: a verified domain identity, a configuration set (TLS, reputation metrics) and the notice sender. */
export class Notices extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity: ses.EmailIdentity;
  readonly sendNotice: TrainingFunction;

  constructor(scope: Construct, id: string, props: NoticesProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new ses.EmailIdentity(this, 'SenderIdentity', {
      identity: ses.Identity.domain(props.senderDomain),
      configurationSet: this.configurationSet,
    });
    this.sendNotice = new TrainingFunction(this, 'SendNotice', {
      name: 'send-notice',
      description: 'Composes and sends one notice (nominated, rejected, assigned, ...) to a trainee or unit contact',
      timeout: Duration.seconds(30),
      memorySize: 512,
      logKey: props.logKey,
      reservedConcurrentExecutions: props.concurrency,
      environment: {
        ...props.baseEnvironment,
        MAIL_FROM: props.mailFrom,
        MAIL_REPLY_TO: props.replyTo,
        MAIL_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      },
    });
    this.identity.grantSendEmail(this.sendNotice.fn);
    acknowledgeGrants(this.sendNotice, 'tableIndexes');
    Validations.of(this.sendNotice.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, whose Retry and Catch handle failures; a DLQ would never receive.',
    });
  }

  /** Lets another function (ingest's upload report) send mail through the same identity and configuration set. */
  allowSending(fn: TrainingFunction): void {
    this.identity.grantSendEmail(fn.fn);
    fn.fn.addEnvironment('MAIL_CONFIGURATION_SET', this.configurationSet.configurationSetName);
  }
}
