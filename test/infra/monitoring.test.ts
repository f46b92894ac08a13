import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTrainingStack } from '../../infra/app';
import { FUNCTION_NAMES } from '../../infra/function-names';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../shared/adapters/metric-names';
import { type CfnJson, type CfnResourceJson, logicalIdOf, resourcesOfType, type TemplateJson } from './synthesis';
import { appWithoutBundling } from './synthesis';

const app = appWithoutBundling();
app.node.setContext('alarmEmails', 'ops@example.org, duty@example.org');
const stack = buildTrainingStack(app);
const json = Template.fromStack(stack).toJSON() as TemplateJson;
const STACK = stack.stackName;

const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm');
const topics = resourcesOfType(json, 'AWS::SNS::Topic');

function alarmNamed(name: string): CfnJson {
  const found = alarms.filter(([, alarm]) => alarm.Properties.AlarmName === `${STACK}-${name}`);
  expect(found, `one alarm named ${STACK}-${name}`).toHaveLength(1);
  return (found[0] as [string, CfnResourceJson])[1].Properties;
}

function logicalIdOfType(type: string, predicate: (properties: CfnJson) => boolean): string {
  const found = resourcesOfType(json, type).filter(([, resource]) => predicate(resource.Properties));
  expect(found, `one ${type}`).toHaveLength(1);
  return (found[0] as [string, CfnResourceJson])[0];
}

const topicId = (topics[0] as [string, CfnResourceJson])[0];
const FIVE_MINUTES = 300;

describe('alarm topic', () => {
  it('is one SNS topic, encrypted with the data key, whose subscribers are the configured addresses', () => {
    expect(topics).toHaveLength(1);
    expect(topics[0]?.[1].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': ['DataKey', 'Arn'] });
    const subscriptions = resourcesOfType(json, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions.map((s) => [s.Protocol, s.Endpoint]).sort()).toEqual([
      ['email', 'duty@example.org'],
      ['email', 'ops@example.org'],
    ]);
    for (const subscription of subscriptions) expect(subscription.TopicArn).toEqual({ Ref: topicId });
  });

  it("lets this account's CloudWatch alarms use the data key, or notifications to the encrypted topic are dropped", () => {
    const statements: CfnJson[] = json.Resources.DataKey?.Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });

  it('receives every alarm of the stack, and only alarms that act on it', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
  });
});

describe('alarms (issue 15: metric, threshold, period, action)', () => {
  it('fires on any message on the failed-uploads queue', () => {
    const [queue] = resourcesOfType(json, 'AWS::SQS::Queue')
      .map(([id]) => id)
      .filter((id) => id.includes('FailedUploads'));
    expect(queue).toBeDefined();
    expect(alarmNamed('FailedUploads')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: FIVE_MINUTES,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('fires on an upload stuck pending, from the scheduled check', () => {
    expect(alarmNamed('UploadsStuckPending')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'UploadsStuckPending',
      Dimensions: [{ Name: 'service', Value: 'stuck-uploads' }],
      Statistic: 'Maximum',
      Period: FIVE_MINUTES,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const checkFn = logicalIdOfType(
      'AWS::Lambda::Function',
      (p) => p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'stuck-uploads',
    );
    const rules = resourcesOfType(json, 'AWS::Events::Rule').filter(([, rule]) =>
      (rule.Properties.Targets as CfnJson[]).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === checkFn),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it('fires on executions failed or timed out, and on registrations failed after retries', () => {
    const machine = logicalIdOfType('AWS::StepFunctions::StateMachine', () => true);
    const byMetric = (metricName: string) =>
      alarms.filter(([, a]) => a.Properties.MetricName === metricName).map(([, a]) => a.Properties);
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(byMetric(metricName)).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/States',
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machine } }],
          Statistic: 'Sum',
          Period: FIVE_MINUTES,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        }),
      ]);
    }
    expect(byMetric('RegistrationsFailed')).toEqual([
      expect.objectContaining({ Namespace: METRICS_NAMESPACE, Threshold: 1, Period: FIVE_MINUTES }),
    ]);
  });

  it('fires on Lambda errors and throttles, per function, for every function of the system', () => {
    for (const name of FUNCTION_NAMES) {
      const fn = logicalIdOfType(
        'AWS::Lambda::Function',
        (p) => p.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name,
      );
      const reserved = json.Resources[fn]?.Properties.ReservedConcurrentExecutions;
      const common = {
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        Statistic: 'Sum',
        Period: FIVE_MINUTES,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      };
      expect(alarmNamed(`${name}-Errors`)).toMatchObject({ ...common, MetricName: 'Errors', EvaluationPeriods: 1 });
      // A function with a reserved concurrency is throttled by design in a burst: 15 minutes on end is news.
      const periods = reserved === undefined ? 1 : 3;
      expect(alarmNamed(`${name}-Throttles`)).toMatchObject({
        ...common,
        MetricName: 'Throttles',
        EvaluationPeriods: periods,
        DatapointsToAlarm: periods,
      });
    }
  });

  it('fires on DynamoDB throttles and system errors, summed over the operations the functions use', () => {
    for (const [name, metricName] of [
      ['TableThrottles', 'ThrottledRequests'],
      ['TableSystemErrors', 'SystemErrors'],
    ] as const) {
      const alarm = alarmNamed(name);
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      const metrics: CfnJson[] = alarm.Metrics;
      const operations = metrics
        .filter((m) => m.MetricStat)
        .map((m) => {
          expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName } });
          expect(m.MetricStat.Period).toBe(FIVE_MINUTES);
          return m.MetricStat.Metric.Dimensions.find((d: CfnJson) => d.Name === 'Operation').Value;
        });
      expect(operations.sort()).toEqual(
        ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem'].sort(),
      );
      const sum = metrics.find((m) => m.Expression);
      expect(sum.ReturnData ?? true).toBe(true);
    }
  });

  it("fires on SES bounce rate above 2 % and complaint rate above 0.05 %, from the configuration set's reputation", () => {
    const configurationSet = logicalIdOfType('AWS::SES::ConfigurationSet', () => true);
    for (const [name, metricName, threshold] of [
      ['SesBounceRate', 'Reputation.BounceRate', 0.02],
      ['SesComplaintRate', 'Reputation.ComplaintRate', 0.0005],
    ] as const) {
      expect(alarmNamed(name)).toMatchObject({
        Namespace: 'AWS/SES',
        MetricName: metricName,
        Dimensions: [{ Name: 'ses:configuration-set', Value: { Ref: configurationSet } }],
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        Period: 3600,
      });
    }
  });

  it('fires on the API 5xx rate (given enough requests) and on its p99 latency held for 15 minutes', () => {
    const api = logicalIdOfType('AWS::ApiGatewayV2::Api', () => true);
    const rate = alarmNamed('Api5xxRate');
    expect(rate).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const metrics: CfnJson[] = rate.Metrics;
    expect(metrics.find((m) => m.Expression).Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    for (const [id, metricName] of [
      ['errors', '5xx'],
      ['requests', 'Count'],
    ]) {
      expect(metrics.find((m) => m.Id === id).MetricStat).toMatchObject({
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: metricName,
          Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }],
        },
        Period: FIVE_MINUTES,
        Stat: 'Sum',
      });
    }
    expect(alarmNamed('ApiLatencyP99')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }],
      ExtendedStatistic: 'p99',
      Period: FIVE_MINUTES,
      Threshold: 3000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('lets missing data count as OK (no traffic is not a failure)', () => {
    for (const [id, alarm] of alarms) expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
  });
});

describe('dashboard', () => {
  const dashboards = resourcesOfType(json, 'AWS::CloudWatch::Dashboard');
  // The body is a Fn::Join of strings and tokens: tokens become their logical ids, which is all a test needs.
  const body = JSON.parse(
    ((dashboards[0] as [string, CfnResourceJson])[1].Properties.DashboardBody['Fn::Join'][1] as CfnJson[])
      .map((part) => (typeof part === 'string' ? part : (part.Ref ?? part['Fn::GetAtt']?.[0] ?? 'TOKEN')))
      .join(''),
  ) as { widgets: { type: string; properties: CfnJson }[] };
  const titled = (title: string) => {
    const widget = body.widgets.find((w) => w.properties.title === title);
    expect(widget, `a widget titled ${title}`).toBeDefined();
    return JSON.stringify(widget?.properties);
  };

  it('is one dashboard named after the stack', () => {
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.[1].Properties.DashboardName).toBe(`${STACK}-programme`);
  });

  it('shows the state of every alarm', () => {
    const widget = body.widgets.find((w) => w.type === 'alarm');
    expect(widget?.properties.alarms).toHaveLength(alarms.length);
  });

  it('shows uploads by form and by unit, rows by unit and refused rows by finding code', () => {
    for (const metric of ['UploadsReceived', 'UploadsDone', 'UploadsFailed'])
      expect(titled('上传（按表单）')).toContain(`{${METRICS_NAMESPACE},form,service} MetricName=\\"${metric}\\"`);
    expect(titled('上传（按单位）')).toContain('{LeadingTalentTraining,unit,service} MetricName=\\"UploadsReceived\\"');
    for (const metric of ['RowsAccepted', 'RowsRefused'])
      expect(titled('数据行（按单位）')).toContain(`{${METRICS_NAMESPACE},unit,service} MetricName=\\"${metric}\\"`);
    expect(titled('退回行（按问题代码）')).toContain(
      '{LeadingTalentTraining,code,service} MetricName=\\"RowsRefusedByCode\\"',
    );
  });

  it('shows registrations by status, notices by kind and outcome, and the SES rates against their limits', () => {
    expect(titled('报名状态变化')).toContain(
      '{LeadingTalentTraining,status,service} MetricName=\\"RegistrationStatusChanged\\"',
    );
    for (const metric of ['NoticesSent', 'NoticesSkipped', 'NoticesBounced', 'NoticesComplained'])
      expect(titled('通知（按类型与结果）')).toContain(
        `{${METRICS_NAMESPACE},kind,service} MetricName=\\"${metric}\\"`,
      );
    const ses = titled('SES 退信率与投诉率');
    expect(ses).toContain('Reputation.BounceRate');
    expect(ses).toContain('Reputation.ComplaintRate');
    expect(ses).toContain('"value":0.02');
    expect(ses).toContain('"value":0.0005');
  });

  it('shows failures and latency', () => {
    const failures = titled('失败');
    for (const metric of [
      'RegistrationsFailed',
      'WorkflowStepsFailed',
      'ApproximateNumberOfMessagesVisible',
      'UploadsStuckPending',
      'ExecutionsTimedOut',
      'ExecutionsFailed',
    ])
      expect(failures).toContain(metric);
    expect(titled('API 延迟（毫秒）')).toContain('p99');
    const durations = titled('函数耗时 p99（毫秒）');
    for (const name of FUNCTION_NAMES) expect(durations).toContain(`"label":"${name}"`);
  });

  it('graphs every business metric the functions publish', () => {
    const text = JSON.stringify(body);
    for (const metric of Object.keys(BUSINESS_METRICS)) expect(text, metric).toContain(metric);
  });
});

describe('stuck-upload check function', () => {
  it('may read the table and the uploaded files, nothing else of the bucket', () => {
    const monitoring = stack.monitoring.stuckUploads;
    const role = logicalIdOf(monitoring.fn.role as never);
    const policies = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, p]) =>
      (p.Properties.Roles as CfnJson[]).some((r) => r.Ref === role),
    );
    const resources = JSON.stringify(policies.map(([, p]) => p.Properties.PolicyDocument.Statement));
    expect(resources).toContain('/incoming/*');
    expect(resources).not.toContain('/reports/*');
    expect(resources).not.toContain('s3:PutObject');
  });
});
