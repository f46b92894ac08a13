import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TrainingStack } from './training-stack';

/** Deployment settings come from CDK context (`-c key=value` or cdk.json), never from lookups inside constructs. */
export function buildTrainingStack(app: App): TrainingStack {
  const context = (key: string, fallback: string) => String(app.node.tryGetContext(key) ?? fallback);
  const region = app.node.tryGetContext('region') as string | undefined;
  const mail = context('mail', 'ses');
  if (mail !== 'ses' && mail !== 'smtp') throw new Error(`-c mail=${mail}: expected ses or smtp`);
  return new TrainingStack(app, context('stackName', 'LeadingTalentTraining'), {
    ...(region ? { env: { region } } : {}),
    // SES is not offered in AWS's China regions: there, notices go through an SMTP relay (docs/operations.md).
    mailTransport:
      mail === 'smtp'
        ? {
            kind: 'smtp',
            host: context('smtpHost', 'smtp.example.cn'),
            port: Number(context('smtpPort', '465')),
            secretName: context('smtpSecretName', 'leading-talent/smtp'),
          }
        : { kind: 'ses', senderDomain: context('senderDomain', 'notice.example.org') },
    description: '领军人才 training administration (MIIT 工信厅企业函〔2024〕333号)',
    programmeYear: Number(context('programmeYear', '2024')),
    allowedOrigins: context('allowedOrigins', 'https://console.example.org').split(','),
    senderDomain: context('senderDomain', 'notice.example.org'),
    mailFrom: context('mailFrom', '领军人才培训 <noreply@notice.example.org>'),
    replyTo: context('replyTo', 'leader@miitec.org.cn'),
    publicBaseUrl: context('publicBaseUrl', 'https://console.example.org'),
    alarmEmails: context('alarmEmails', '')
      .split(',')
      .map((email) => email.trim())
      .filter(Boolean),
  });
}

/** The deployable app: the stack plus cdk-nag's AwsSolutions and Serverless packs as synth-time validations. */
export function buildApp(app = new App()): { app: App; stack: TrainingStack } {
  const stack = buildTrainingStack(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
