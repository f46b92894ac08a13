import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../shared/adapters/metric-names';
import { type NoticeKind, WORKFLOW_ERRORS, type WorkflowAction } from '../../shared/domain/workflow';
import { TrainingFunction } from './training-function';

export interface WorkflowProps {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly sendNotice: TrainingFunction;
  readonly baseEnvironment: Record<string, string>;
  /** Extra environment and run-time files of the task function (the certificate font). */
  readonly taskEnvironment?: Record<string, string>;
  readonly taskAssets?: readonly { readonly from: string; readonly to: string }[];
}

const TASK_TIMEOUT = Duration.seconds(60);
/** How long a failed registration waits for staff to retry or withdraw it before the execution ends. */
const RECOVERY_WINDOW_SECONDS = 180 * 24 * 3600;

/** Lambda's throttle, and SES's and DynamoDB's throttles as the handlers surface them (by the SDK's error name). */
const THROTTLED = [
  'Lambda.TooManyRequestsException',
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
];

/**
 * One Standard execution per trainee. Payloads carry ids only (registration id, unit, year): personal data stays
 * in DynamoDB, so neither the execution history nor the logs can leak it.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly workflowTask: TrainingFunction;
  /** In alarm when a registration failed after its retries: staff retry the step or withdraw it. */
  readonly failedRegistrationsAlarm: cloudwatch.Alarm;
  readonly failedExecutionsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    this.workflowTask = new TrainingFunction(this, 'WorkflowTask', {
      name: 'workflow-task',
      description:
        'The steps of the trainee workflow: await review, release seat, assign class, attendance, certificate',
      timeout: Duration.seconds(30),
      memorySize: 1024,
      logKey: props.key,
      environment: { ...props.baseEnvironment, ...props.taskEnvironment },
      assets: props.taskAssets,
    });
    Validations.of(this.workflowTask.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, whose Retry and Catch handle failures; a DLQ would never receive.',
    });

    const ids = {
      registrationId: sfn.JsonPath.stringAt('$.registrationId'),
      unit: sfn.JsonPath.stringAt('$.unit'),
      year: sfn.JsonPath.numberAt('$.year'),
    };
    const step = (name: string, action: WorkflowAction, resultPath: string = sfn.JsonPath.DISCARD) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: this.workflowTask.fn,
        payload: sfn.TaskInput.fromObject({ action, ...ids }),
        payloadResponseOnly: true,
        resultPath,
        taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
        retryOnServiceExceptions: true,
      });
    const notify = (name: string, notice: NoticeKind) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: props.sendNotice.fn,
        payload: sfn.TaskInput.fromObject({ notice, registrationId: sfn.JsonPath.stringAt('$.registrationId') }),
        payloadResponseOnly: true,
        resultPath: sfn.JsonPath.DISCARD,
        taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
        retryOnServiceExceptions: true,
      });
    // A person (or a freed seat) resumes these: the Lambda stores the task token on the registration and returns
    // at once; the admin API later calls SendTaskSuccess/Failure with it. The payload carries the wait's own
    // timeout so the registration can show until when it waits (and the local cloud can fire it on programme time).
    const awaitPerson = (
      name: string,
      action: WorkflowAction,
      timeout: { path: string } | { seconds: number },
      resultPath: string,
    ) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: this.workflowTask.fn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          action,
          ...ids,
          taskToken: sfn.JsonPath.taskToken,
          timeoutSeconds: 'path' in timeout ? sfn.JsonPath.numberAt(timeout.path) : timeout.seconds,
        }),
        resultPath,
        taskTimeout:
          'path' in timeout ? sfn.Timeout.at(timeout.path) : sfn.Timeout.duration(Duration.seconds(timeout.seconds)),
        retryOnServiceExceptions: true,
      });

    const failed = new sfn.Fail(this, 'Failed', {
      error: 'WorkflowFailed',
      cause: 'A workflow step failed and was neither retried nor withdrawn in time; see RecordFailure',
    });
    // A step that fails after its retries parks the execution: the registration shows `failed` with the step, and
    // staff either retry that step (the execution resumes there) or withdraw the registration.
    const recordFailure = new tasks.LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: this.workflowTask.fn,
      payload: sfn.TaskInput.fromObject({
        action: 'recordFailure',
        ...ids,
        failedStep: sfn.JsonPath.stringAt('$.failedStep'),
        error: sfn.JsonPath.stringAt('$.error.Error'),
      }),
      payloadResponseOnly: true,
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
      retryOnServiceExceptions: true,
    });
    recordFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const awaitRecovery = awaitPerson(
      'AwaitRecovery',
      'awaitRecovery',
      { seconds: RECOVERY_WINDOW_SECONDS },
      '$.recovery',
    );
    recordFailure.next(awaitRecovery);

    // The withdrawal itself is done (seat and locks released) before this notice; if the notice cannot be sent
    // after its retries, the execution ends failed (the FailedExecutions alarm) rather than parking for a retry
    // whose only outcome could be another withdrawal notice.
    const notifyWithdrawn = notify('NotifyWithdrawn', 'withdrawn');
    notifyWithdrawn.next(new sfn.Succeed(this, 'Withdrawn'));
    notifyWithdrawn.addCatch(
      new sfn.Fail(this, 'WithdrawalNoticeFailed', {
        error: 'WithdrawalNoticeFailed',
        cause: 'The registration was withdrawn, but the withdrawal notice could not be sent',
      }),
      { errors: ['States.ALL'], resultPath: '$.error' },
    );

    const notifyNominated = notify('NotifyNominated', 'nominated');
    const awaitReview = awaitPerson('AwaitReview', 'awaitReview', { path: '$.reviewTimeoutSeconds' }, '$.review');
    const releaseSeat = step('ReleaseSeat', 'releaseSeat');
    const notifyRejected = notify('NotifyRejected', 'rejected');
    const expireReview = step('ExpireReview', 'expireReview');
    const notifyExpired = notify('NotifyExpired', 'expired');
    const assignClass = step('AssignClass', 'assignClass', '$.assignment');
    const notifyWaitlisted = notify('NotifyWaitlisted', 'waitlisted');
    const awaitSeat = awaitPerson(
      'AwaitSeat',
      'awaitSeat',
      { path: '$.assignment.waitTimeoutSeconds' },
      '$.assignment',
    );
    const endWaitlist = step('EndWaitlist', 'endWaitlist', '$.assignment');
    const notifyNotPlaced = notify('NotifyNotPlaced', 'not-placed');
    const notifyAssigned = notify('NotifyAssigned', 'assigned');
    const awaitClassClose = awaitPerson(
      'AwaitClassClose',
      'awaitClassClose',
      { path: '$.assignment.closeTimeoutSeconds' },
      '$.attendance',
    );
    const evaluateAttendance = step('EvaluateAttendance', 'evaluateAttendance', '$.completion');
    const notifyIncomplete = notify('NotifyIncomplete', 'incomplete');
    const issueCertificate = step('IssueCertificate', 'issueCertificate', '$.certificate');
    const notifyCertified = notify('NotifyCertified', 'certified');
    // Everyone who attended is asked to evaluate the class (notice 二(四)); send-notice skips those who never came.
    const inviteEvaluation = notify('InviteEvaluation', 'evaluation');
    const inviteEvaluationIncomplete = notify('InviteEvaluationIncomplete', 'evaluation');

    const retryable = [
      notifyNominated,
      awaitReview,
      releaseSeat,
      notifyRejected,
      expireReview,
      notifyExpired,
      assignClass,
      notifyWaitlisted,
      awaitSeat,
      endWaitlist,
      notifyNotPlaced,
      notifyAssigned,
      awaitClassClose,
      evaluateAttendance,
      notifyIncomplete,
      issueCertificate,
      notifyCertified,
      inviteEvaluation,
      inviteEvaluationIncomplete,
    ];
    // Transient failures (DynamoDB or SES briefly unreachable) are retried with backoff for up to about two minutes
    // before a step gives up; a person's answer (rejected, withdrawn) is never retried.
    for (const task of [...retryable, notifyWithdrawn, recordFailure, awaitRecovery]) {
      task.addRetry({ errors: [WORKFLOW_ERRORS.rejected, WORKFLOW_ERRORS.withdrawn], maxAttempts: 0 });
      // Throttling is expected, not a fault: a large upload starts thousands of executions, and send-notice's
      // reserved concurrency and SES's sending rate let them through a few at a time. Wait it out, for up to
      // about half an hour, before anything counts as failed.
      task.addRetry({
        errors: THROTTLED,
        interval: Duration.seconds(5),
        backoffRate: 1.5,
        maxAttempts: 25,
        maxDelay: Duration.minutes(2),
        jitterStrategy: sfn.JitterType.FULL,
      });
      task.addRetry({
        errors: ['States.TaskFailed'],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.minutes(1),
        jitterStrategy: sfn.JitterType.FULL,
      });
    }

    // Time passing is never a failure: an unanswered review expires, a waitlist ends at the last class's start,
    // and a class nobody closed is evaluated on the sign-ins recorded.
    awaitReview.addCatch(expireReview, { errors: ['States.Timeout'], resultPath: '$.error' });
    awaitReview.addCatch(releaseSeat, { errors: [WORKFLOW_ERRORS.rejected], resultPath: '$.error' });
    awaitSeat.addCatch(endWaitlist, { errors: ['States.Timeout'], resultPath: '$.error' });
    awaitClassClose.addCatch(evaluateAttendance, { errors: ['States.Timeout'], resultPath: '$.error' });
    // The registration already shows `failed` with its step; an execution nobody retried or withdrew within the
    // window ends without calling that a new failure: time passing is never one.
    awaitRecovery.addCatch(new sfn.Succeed(this, 'RecoveryWindowClosed'), {
      errors: ['States.Timeout'],
      resultPath: '$.error',
    });
    awaitRecovery.addCatch(notifyWithdrawn, { errors: [WORKFLOW_ERRORS.withdrawn], resultPath: '$.error' });
    awaitRecovery.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });

    const retryStep = new sfn.Choice(this, 'RetryFailedStep');
    for (const task of retryable) {
      if (task !== notifyNominated) {
        task.addCatch(notifyWithdrawn, { errors: [WORKFLOW_ERRORS.withdrawn], resultPath: '$.error' });
      }
      const name = task.id;
      const remember = new sfn.Pass(this, `${name}Failed`, {
        result: sfn.Result.fromString(name),
        resultPath: '$.failedStep',
      });
      remember.next(recordFailure);
      task.addCatch(remember, { errors: ['States.ALL'], resultPath: '$.error' });
      retryStep.when(sfn.Condition.stringEquals('$.failedStep', name), task);
    }
    retryStep.otherwise(failed);
    awaitRecovery.next(retryStep);

    const completed = new sfn.Choice(this, 'Completed?')
      .when(
        sfn.Condition.booleanEquals('$.completion.complete', true),
        issueCertificate.next(notifyCertified).next(inviteEvaluation).next(new sfn.Succeed(this, 'Certified')),
      )
      .otherwise(notifyIncomplete.next(inviteEvaluationIncomplete).next(new sfn.Succeed(this, 'Incomplete')));
    notifyAssigned.next(awaitClassClose).next(evaluateAttendance).next(completed);
    awaitSeat.next(notifyAssigned);
    // A promotion whose resumption was lost still reached the registration: the wait's end finds it assigned.
    endWaitlist.next(
      new sfn.Choice(this, 'PlacedAfterAll?')
        .when(sfn.Condition.stringEquals('$.assignment.outcome', 'assigned'), notifyAssigned)
        .otherwise(notifyNotPlaced.next(new sfn.Succeed(this, 'NotPlaced'))),
    );
    expireReview.next(notifyExpired).next(new sfn.Succeed(this, 'Expired'));
    releaseSeat.next(notifyRejected).next(new sfn.Succeed(this, 'Rejected'));

    const definition = notifyNominated
      .next(awaitReview)
      .next(
        new sfn.Choice(this, 'ReviewDecision')
          .when(
            sfn.Condition.stringEquals('$.review.decision', 'approved'),
            assignClass.next(
              new sfn.Choice(this, 'Placed?')
                .when(sfn.Condition.stringEquals('$.assignment.outcome', 'assigned'), notifyAssigned)
                .when(
                  sfn.Condition.stringEquals('$.assignment.outcome', 'waitlisted'),
                  notifyWaitlisted.next(awaitSeat),
                )
                .otherwise(endWaitlist),
            ),
          )
          .otherwise(releaseSeat),
      );

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Named, so the task function may answer its own waits without a reference cycle (the machine invokes it).
    const stateMachineName = `${Stack.of(this).stackName}-TraineeWorkflow`;
    this.workflowTask.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: stateMachineName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.stateMachine = new sfn.StateMachine(this, 'TraineeWorkflow', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      comment: 'One trainee: nomination → review → class → attendance → certificate',
      timeout: Duration.days(365),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.failedRegistrationsAlarm = new cloudwatch.Alarm(this, 'FailedRegistrations', {
      alarmDescription:
        'A registration failed after its retries and waits for staff (GET /registrations?status=failed; retry or withdraw). Runbook: docs/runbook.md#failedregistrations',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'RegistrationsFailed',
        dimensionsMap: { service: 'workflow-task' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Executions should never fail (failures park for staff); one that does is a defect or a lost notice.
    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      alarmDescription:
        'A trainee workflow execution failed (a withdrawal notice that could not be sent, or a defect). Runbook: docs/runbook.md#failedexecutions',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const role = this.stateMachine.role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray and CloudWatch Logs delivery actions have no resource-level permissions.',
    });
    for (const fn of [this.workflowTask.fn, props.sendNotice.fn]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason: 'Invoking a task function may target its versions and aliases (function ARN plus :*).',
      });
    }
  }
}
