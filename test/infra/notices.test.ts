import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, buildTrainingStack } from '../../infra/app';
import { TrainingFunction } from '../../infra/constructs/training-function';
import { type CfnJson, getAtt, logicalIdOf, resourcesOfType, type TemplateJson } from './synthesis';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function synth(context: Record<string, string>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = buildTrainingStack(app);
  const template = app.synth().getStackByName(stack.stackName).template as TemplateJson;
  const functions = stack.node.findAll().filter((c): c is TrainingFunction => c instanceof TrainingFunction);
  const env = (name: string): Record<string, CfnJson> => {
    const fn = functions.find((candidate) => candidate.functionName === name);
    if (!fn) throw new Error(`no function ${name}`);
    return template.Resources[logicalIdOf(fn.fn)]?.Properties.Environment.Variables;
  };
  return { stack, template, functions, env };
}

const SENDERS = ['send-notice', 'ingest-upload', 'evaluation-api'] as const;

describe('notices with SES (the default)', () => {
  const { template, functions, env } = synth({});

  it('publishes the configuration set’s bounces and complaints to EventBridge, whose rule invokes mail-events', () => {
    const [[, destination]] = resourcesOfType(template, 'AWS::SES::ConfigurationSetEventDestination') as [
      [string, CfnJson],
    ];
    expect(destination.Properties.EventDestination.MatchingEventTypes.sort()).toEqual(['bounce', 'complaint']);
    expect(destination.Properties.EventDestination.Enabled).toBe(true);
    expect(destination.Properties.EventDestination.EventBridgeDestination.EventBusArn).toBeDefined();
    const mailEvents = functions.find((fn) => fn.functionName === 'mail-events');
    if (!mailEvents) throw new Error('no mail-events function');
    const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
      (rule.Properties.Targets as CfnJson[]).some(
        (target) => JSON.stringify(target.Arn) === JSON.stringify(getAtt(logicalIdOf(mailEvents.fn))),
      ),
    );
    expect(rules).toHaveLength(1);
    const [[, rule]] = rules as [[string, CfnJson]];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': ['Email Bounced', 'Email Complaint Received'],
    });
    expect(rule.Properties.Targets[0].DeadLetterConfig.Arn).toBeDefined();
  });

  it('runs the class reminder sweep daily at 09:00 Beijing time (01:00 UTC), with retries and a DLQ', () => {
    const sendNotice = functions.find((fn) => fn.functionName === 'send-notice');
    if (!sendNotice) throw new Error('no send-notice function');
    // The cron schedules (the stuck-upload check is a rate() schedule of the monitoring construct).
    const schedules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
      String(rule.Properties.ScheduleExpression ?? '').startsWith('cron('),
    );
    expect(schedules).toHaveLength(1);
    const [[, rule]] = schedules as [[string, CfnJson]];
    expect(rule.Properties.ScheduleExpression).toBe('cron(0 1 * * ? *)');
    const [target] = rule.Properties.Targets as CfnJson[];
    expect(target.Arn).toEqual(getAtt(logicalIdOf(sendNotice.fn)));
    expect(JSON.parse(target.Input)).toEqual({ sweep: 'class-reminders' });
    expect(target.DeadLetterConfig.Arn).toBeDefined();
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
  });

  it.each(SENDERS)('%s sends through SES with the configuration set', (name) => {
    expect(env(name).MAIL_TRANSPORT).toBe('ses');
    expect(env(name).MAIL_CONFIGURATION_SET).toBeDefined();
  });
});

describe('notices over SMTP in a China region (-c region=cn-north-1 -c mail=smtp)', () => {
  const context = { region: 'cn-north-1', mail: 'smtp', smtpHost: 'smtp.relay.example.cn', smtpPort: '465' };
  const { stack, template, env } = synth(context);

  it('creates no SES resource and no bounce rule, in the aws-cn partition', () => {
    expect(stack.region).toBe('cn-north-1');
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type.startsWith('AWS::SES::'))).toEqual([]);
    expect(JSON.stringify(template)).not.toMatch(/ses:Send/);
    const sesRules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
      JSON.stringify(rule.Properties.EventPattern ?? {}).includes('aws.ses'),
    );
    expect(sesRules).toEqual([]);
  });

  it.each([...SENDERS, 'mail-events'] as const)(
    '%s sends through the relay, with its credentials from Secrets Manager',
    (name) => {
      expect(env(name)).toMatchObject({
        MAIL_TRANSPORT: 'smtp',
        SMTP_HOST: 'smtp.relay.example.cn',
        SMTP_PORT: '465',
        SMTP_SECRET_ID: 'leading-talent/smtp',
      });
      expect(env(name).MAIL_CONFIGURATION_SET).toBeUndefined();
    },
  );

  it('synthesizes cleanly with cdk-nag (AwsSolutions + Serverless)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'training-cn-'));
    outdirs.push(outdir);
    const { app } = buildApp(new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } }));
    expect(() => app.synth()).not.toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const errors = (report.pluginReports as CfnJson[]).flatMap((plugin) =>
      (plugin.violations as CfnJson[]).filter((violation) => violation.severity === 'error'),
    );
    expect(errors).toEqual([]);
  });
});
