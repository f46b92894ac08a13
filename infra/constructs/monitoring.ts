import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/adapters/metric-names';
import { TrainingFunction } from './training-function';

export interface MonitoringProps {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly bucket: s3.IBucket;
  readonly failedUploads: sqs.IQueue;
  readonly stateMachine: sfn.StateMachine;
  readonly httpApi: apigw.HttpApi;
  /** The SES configuration set notices go through; its reputation metrics give the bounce and complaint rates. */
  /** The SES configuration set whose reputation is watched; absent when mail goes through an SMTP relay. */
  readonly configurationSetName?: string;
  /** Every function of the system: each gets an errors and a throttles alarm, and a place on the dashboard. */
  readonly functions: readonly TrainingFunction[];
  /** Alarms other constructs already define (failed registrations, failed executions): they notify the topic too. */
  readonly existingAlarms: readonly cloudwatch.Alarm[];
  /** Who is told: email addresses subscribed to the alarm topic (deployment configuration, not code). */
  readonly alarmEmails: readonly string[];
  readonly baseEnvironment: Record<string, string>;
}

/** SES reviews an account at 5 % bounces and 0.1 % complaints: the alarms fire well before either. */
export const SES_BOUNCE_RATE_LIMIT = 0.02;
export const SES_COMPLAINT_RATE_LIMIT = 0.0005;
/** The API's p99 latency, in ms, held for 15 minutes, that means users wait too long. */
export const API_P99_LATENCY_LIMIT_MS = 3000;
/** Percent of API requests answered 5xx in 5 minutes (DomainErrors are 4xx: every 5xx is a defect or an outage). */
export const API_5XX_RATE_LIMIT_PERCENT = 1;
/** Below this many requests in 5 minutes a rate says little (one 500 of three calls): the 5xx alarm stays quiet. */
export const API_5XX_MIN_REQUESTS = 20;
/** The DynamoDB operations the functions call (and Powertools Idempotency's); their throttles and system errors. */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Operations: the alarms (to one SNS topic), the programme's dashboard, and the scheduled check for uploads stuck
 * pending. Each alarm's name is `<stack>-<id>`; docs/runbook.md has a section per id saying what to do.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  readonly stuckUploads: TrainingFunction;
  /** The functions watched: those given, and the check's own. */
  readonly functions: readonly TrainingFunction[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: '领军人才培训系统告警',
      masterKey: props.key,
      enforceSSL: true,
    });
    // CloudWatch publishes to an encrypted topic only if it may use the key; only this account's alarms may.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    for (const email of props.alarmEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    const notify = new actions.SnsAction(this.topic);
    for (const alarm of props.existingAlarms) {
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    }

    const alarm = (
      alarmId: string,
      description: string,
      metric: cloudwatch.IMetric,
      options: {
        threshold: number;
        comparison?: cloudwatch.ComparisonOperator;
        periods?: number;
        /** The runbook section, when several alarms share one (the per-function alarms). */
        runbook?: string;
      },
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${stackName}-${alarmId}`,
        alarmDescription: `${description} Runbook: docs/runbook.md#${options.runbook ?? alarmId.toLowerCase()}`,
        metric,
        threshold: options.threshold,
        comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: options.periods ?? 1,
        datapointsToAlarm: options.periods ?? 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);

    // The scheduled check: uploads whose file arrived but which are still pending.
    this.stuckUploads = new TrainingFunction(this, 'StuckUploads', {
      name: 'stuck-uploads',
      description: 'Every 5 minutes: counts uploads stuck pending (file arrived, never ingested) for the alarm',
      timeout: Duration.minutes(1),
      memorySize: 256,
      logKey: props.key,
      environment: props.baseEnvironment,
      reservedConcurrentExecutions: 1,
    });
    this.stuckUploads.grantDataAccess(props.table, props.bucket, props.key);
    const schedule = new events.Rule(this, 'StuckUploadsSchedule', {
      description: 'Runs the stuck-upload check every 5 minutes',
      schedule: events.Schedule.rate(fiveMinutes),
      targets: [new targets.LambdaFunction(this.stuckUploads.fn, { retryAttempts: 0 })],
    });
    Validations.of(schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'A missed run of the scheduled check needs no replay: the next run, 5 minutes later, checks again.',
    });
    Validations.of(this.stuckUploads.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'A scheduled check: the next run repeats it 5 minutes later, and its errors alarm reports failures.',
    });

    this.functions = [...props.functions, this.stuckUploads];

    // Intake.
    alarm(
      'FailedUploads',
      'An upload event exhausted its retries and waits on the FailedUploads queue; the upload stays pending.',
      props.failedUploads.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
      { threshold: 1 },
    );
    alarm(
      'UploadsStuckPending',
      'An uploaded file has been pending for more than 15 minutes: ingest never completed it.',
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'UploadsStuckPending',
        dimensionsMap: { service: this.stuckUploads.functionName },
        statistic: 'Maximum',
        period: fiveMinutes,
      }),
      { threshold: 1 },
    );

    // The workflow: failed registrations and executions come from Workflow (existingAlarms); timeouts here.
    alarm(
      'ExecutionsTimedOut',
      'A trainee workflow execution timed out (its 365-day limit): a defect, the registration is stranded.',
      props.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
      { threshold: 1 },
    );

    // Every function: errors, and throttles. Functions with a reserved concurrency (ingest, send-notice) are
    // throttled by design in a burst and retried; for them only 15 minutes of throttling is news.
    for (const fn of this.functions) {
      const name = fn.functionName;
      alarm(
        `${name}-Errors`,
        `The ${name} function failed (an unhandled error or a timeout).`,
        fn.fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        { threshold: 1, runbook: 'function-errors' },
      );
      const bounded = (fn.fn.node.defaultChild as { reservedConcurrentExecutions?: number })
        .reservedConcurrentExecutions;
      alarm(
        `${name}-Throttles`,
        `The ${name} function was throttled${bounded === undefined ? '' : ' for 15 minutes on end'}.`,
        fn.fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        { threshold: 1, periods: bounded === undefined ? 1 : 3, runbook: 'function-throttles' },
      );
    }

    // DynamoDB.
    alarm(
      'TableThrottles',
      'DynamoDB throttled requests to the registrations table.',
      props.table.metricThrottledRequestsForOperations({
        operations: TABLE_OPERATIONS,
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      { threshold: 1 },
    );
    alarm(
      'TableSystemErrors',
      'DynamoDB answered requests to the registrations table with internal errors (HTTP 500).',
      props.table.metricSystemErrorsForOperations({
        operations: TABLE_OPERATIONS,
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      { threshold: 1 },
    );

    // SES reputation of the notices' configuration set. With an SMTP relay there is none: the relay's DSNs reach
    // mail-events and the NoticesBounced / NoticesComplained counts on the dashboard are what is left to watch.
    const configurationSetName = props.configurationSetName;
    if (configurationSetName) {
      const reputation = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName,
          dimensionsMap: { 'ses:configuration-set': configurationSetName },
          statistic: 'Maximum',
          period: Duration.hours(1),
        });
      alarm(
        'SesBounceRate',
        'Notices bounce at more than 2 % (SES reviews the account at 5 %).',
        reputation('Reputation.BounceRate'),
        { threshold: SES_BOUNCE_RATE_LIMIT, comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
      alarm(
        'SesComplaintRate',
        'Notices draw complaints at more than 0.05 % (SES reviews the account at 0.1 %).',
        reputation('Reputation.ComplaintRate'),
        { threshold: SES_COMPLAINT_RATE_LIMIT, comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }

    // The HTTP API.
    alarm(
      'Api5xxRate',
      `More than ${API_5XX_RATE_LIMIT_PERCENT} % of API requests answered 5xx in 5 minutes.`,
      new cloudwatch.MathExpression({
        expression: `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
        usingMetrics: {
          errors: props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
        },
        label: 'API 5xx %',
        period: fiveMinutes,
      }),
      { threshold: API_5XX_RATE_LIMIT_PERCENT, comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
    );
    alarm(
      'ApiLatencyP99',
      `The API's p99 latency stayed above ${API_P99_LATENCY_LIMIT_MS} ms for 15 minutes.`,
      props.httpApi.metricLatency({ period: fiveMinutes, statistic: 'p99' }),
      {
        threshold: API_P99_LATENCY_LIMIT_MS,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        periods: 3,
      },
    );

    this.dashboard = this.buildDashboard(stackName, props);
  }

  /** The programme's day on one page: intake, registrations, notices, failures, latency. */
  private buildDashboard(stackName: string, props: MonitoringProps): cloudwatch.Dashboard {
    const hour = Duration.hours(1);
    const search = (metricName: string, dimension: string, label: string, period = hour) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
        usingMetrics: {},
        label,
        period,
      });
    const count = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service} MetricName="${metricName}"', 'Sum', ${hour.toSeconds()})`,
        usingMetrics: {},
        label,
        period: hour,
      });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, stacked: false });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stackName}-programme`,
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# 领军人才培训 · 当日运行\n告警处理见仓库 `docs/runbook.md`。指标命名空间 `LeadingTalentTraining`，维度不含任何个人信息。',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: '告警', alarms: this.alarms, width: 24, height: 6 }),
    );
    dashboard.addWidgets(
      graph('上传（按表单）', [
        search('UploadsReceived', 'form', '收到'),
        search('UploadsDone', 'form', '完成'),
        search('UploadsFailed', 'form', '无法读取'),
      ]),
      graph('上传（按单位）', [search('UploadsReceived', 'unit', '收到')]),
      graph('数据行（按单位）', [search('RowsAccepted', 'unit', '接收'), search('RowsRefused', 'unit', '退回')]),
    );
    dashboard.addWidgets(
      graph('退回行（按问题代码）', [search('RowsRefusedByCode', 'code', '退回')]),
      graph('报名状态变化', [search('RegistrationStatusChanged', 'status', '进入')]),
      graph('结班、证书与评价', [
        count('ClassesClosed', '结班'),
        search('CertificatesIssued', 'issue', '证书'),
        count('EvaluationResponses', '评价提交'),
      ]),
    );
    dashboard.addWidgets(
      graph('通知（按类型与结果）', [
        search('NoticesSent', 'kind', '已发送'),
        search('NoticesSkipped', 'kind', '跳过'),
        search('NoticesBounced', 'kind', '退信'),
        search('NoticesComplained', 'kind', '投诉'),
      ]),
      ...(props.configurationSetName ? [this.sesRatesWidget()] : []),
      graph('失败', [
        search('WorkflowStepsFailed', 'step', '流程步骤失败', Duration.minutes(5)),
        this.alarmMetric('FailedRegistrations'),
        this.alarmMetric('FailedUploads'),
        this.alarmMetric('UploadsStuckPending'),
        this.alarmMetric('ExecutionsTimedOut'),
        props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum', label: '执行失败' }),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'API 延迟（毫秒）',
        [
          props.httpApi.metricLatency({ period: Duration.minutes(5), statistic: 'p50', label: 'p50' }),
          this.alarmMetric('ApiLatencyP99'),
        ],
        12,
      ),
      graph(
        '函数耗时 p99（毫秒）',
        this.functions.map((fn) =>
          fn.fn.metricDuration({ period: Duration.minutes(5), statistic: 'p99', label: fn.functionName }),
        ),
        12,
      ),
    );
    dashboard.addWidgets(
      graph(
        '函数错误与限流',
        this.functions.flatMap((fn) => [
          fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum', label: `${fn.functionName} 错误` }),
          fn.fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum', label: `${fn.functionName} 限流` }),
        ]),
        12,
      ),
      graph('API 5xx（%）', [this.alarmMetric('Api5xxRate')], 4),
      // Two widgets: both DynamoDB expressions name their per-operation metrics alike, which one graph cannot hold.
      graph('DynamoDB 限流', [this.alarmMetric('TableThrottles')], 4),
      graph('DynamoDB 系统错误', [this.alarmMetric('TableSystemErrors')], 4),
    );
    return dashboard;
  }

  private sesRatesWidget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'SES 退信率与投诉率',
      left: [this.alarmMetric('SesBounceRate'), this.alarmMetric('SesComplaintRate')],
      leftAnnotations: [
        { value: SES_BOUNCE_RATE_LIMIT, label: '退信率告警线 2%' },
        { value: SES_COMPLAINT_RATE_LIMIT, label: '投诉率告警线 0.05%' },
      ],
      width: 8,
      height: 6,
    });
  }

  private alarmMetric(alarmId: string): cloudwatch.IMetric {
    const found = this.alarms.find((a) => a.node.id === alarmId);
    if (!found) throw new Error(`No alarm ${alarmId}`);
    return found.metric;
  }
}
