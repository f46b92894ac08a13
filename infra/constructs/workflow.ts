import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow';
import { acknowledgeGrants, TrainingFunction } from './training-function';

export interface WorkflowProps {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly sendNotice: TrainingFunction;
  readonly baseEnvironment: Record<string, string>;
  /** How long staff have to review a nomination before the seat is released. */
  readonly reviewTimeout: Duration;
}

const TASK_TIMEOUT = Duration.seconds(60);

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

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    this.workflowTask = new TrainingFunction(this, 'WorkflowTask', {
      name: 'workflow-task',
      description:
        'The steps of the trainee workflow: await review, release seat, assign class, attendance, certificate',
      timeout: Duration.seconds(30),
      memorySize: 512,
      logKey: props.key,
      environment: props.baseEnvironment,
    });
    props.table.grantReadWriteData(this.workflowTask.fn);
    acknowledgeGrants(this.workflowTask, 'tableIndexes', 'keyUse');
    Validations.of(this.workflowTask.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions, whose Retry and Catch handle failures; a DLQ would never receive.',
    });

    const step = (name: string, action: string, resultPath: string | undefined = sfn.JsonPath.DISCARD) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: this.workflowTask.fn,
        payload: sfn.TaskInput.fromObject({
          action,
          registrationId: sfn.JsonPath.stringAt('$.registrationId'),
          unit: sfn.JsonPath.stringAt('$.unit'),
          year: sfn.JsonPath.numberAt('$.year'),
        }),
        payloadResponseOnly: true,
        resultPath,
        taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
        retryOnServiceExceptions: true,
      });
    const notify = (name: string, notice: string) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: props.sendNotice.fn,
        payload: sfn.TaskInput.fromObject({ notice, registrationId: sfn.JsonPath.stringAt('$.registrationId') }),
        payloadResponseOnly: true,
        resultPath: sfn.JsonPath.DISCARD,
        taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
        retryOnServiceExceptions: true,
      });
    // A person acts on these: the Lambda stores the task token on the registration and returns at once; the
    // admin API later calls SendTaskSuccess/Failure with it.
    const awaitPerson = (name: string, action: string, timeout: sfn.Timeout, resultPath: string) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: this.workflowTask.fn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({
          action,
          registrationId: sfn.JsonPath.stringAt('$.registrationId'),
          unit: sfn.JsonPath.stringAt('$.unit'),
          year: sfn.JsonPath.numberAt('$.year'),
          taskToken: sfn.JsonPath.taskToken,
        }),
        resultPath,
        taskTimeout: timeout,
        retryOnServiceExceptions: true,
      });

    const failed = new sfn.Fail(this, 'Failed', {
      error: 'WorkflowFailed',
      cause: 'A workflow step failed; see RecordFailure',
    });
    const recordFailureTask = step('RecordFailure', 'recordFailure', sfn.JsonPath.DISCARD);
    // If recording the failure fails too, the execution still ends as WorkflowFailed, not with a raw Lambda error.
    recordFailureTask.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const recordFailure = recordFailureTask.next(failed);
    // The unit's withdrawal has already released the seat and locks (admin API); the workflow only tells the trainee.
    const notifyWithdrawn = notify('NotifyWithdrawn', 'withdrawn');
    notifyWithdrawn.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const withdrawn = notifyWithdrawn.next(new sfn.Succeed(this, 'Withdrawn'));

    const notifyNominated = notify('NotifyNominated', 'nominated');
    const awaitReview = awaitPerson(
      'AwaitReview',
      'awaitReview',
      sfn.Timeout.duration(props.reviewTimeout),
      '$.review',
    );
    const releaseSeat = step('ReleaseSeat', 'releaseSeat');
    const notifyRejected = notify('NotifyRejected', 'rejected');
    const assignClass = step('AssignClass', 'assignClass', '$.assignment');
    const notifyAssigned = notify('NotifyAssigned', 'assigned');
    const awaitClassClose = awaitPerson(
      'AwaitClassClose',
      'awaitClassClose',
      sfn.Timeout.at('$.assignment.closeTimeoutSeconds'),
      '$.attendance',
    );
    const evaluateAttendance = step('EvaluateAttendance', 'evaluateAttendance', '$.completion');
    const notifyIncomplete = notify('NotifyIncomplete', 'incomplete');
    const issueCertificate = step('IssueCertificate', 'issueCertificate', '$.certificate');
    const notifyCertified = notify('NotifyCertified', 'certified');

    const catchable = [
      notifyNominated,
      releaseSeat,
      notifyRejected,
      assignClass,
      notifyAssigned,
      evaluateAttendance,
      notifyIncomplete,
      issueCertificate,
      notifyCertified,
    ];
    // Transient failures (DynamoDB or SES briefly unreachable) are retried with backoff for up to about two minutes
    // before a step gives up; a person's answer (rejected, withdrawn) is never retried.
    const allTasks = [...catchable, awaitReview, awaitClassClose, recordFailureTask, notifyWithdrawn];
    for (const task of allTasks) {
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

    // A withdrawal ends the wait cleanly; an unanswered review releases the seat like a rejection.
    awaitReview.addCatch(withdrawn, { errors: [WORKFLOW_ERRORS.withdrawn], resultPath: '$.error' });
    awaitReview.addCatch(releaseSeat, { errors: ['States.Timeout', WORKFLOW_ERRORS.rejected], resultPath: '$.error' });
    awaitReview.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    awaitClassClose.addCatch(withdrawn, { errors: [WORKFLOW_ERRORS.withdrawn], resultPath: '$.error' });
    awaitClassClose.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    for (const task of catchable) {
      if (task !== notifyNominated) {
        task.addCatch(withdrawn, { errors: [WORKFLOW_ERRORS.withdrawn], resultPath: '$.error' });
      }
      task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    }

    const definition = notifyNominated.next(awaitReview).next(
      new sfn.Choice(this, 'ReviewDecision')
        .when(
          sfn.Condition.stringEquals('$.review.decision', 'approved'),
          assignClass
            .next(notifyAssigned)
            .next(awaitClassClose)
            .next(evaluateAttendance)
            .next(
              new sfn.Choice(this, 'Completed?')
                .when(
                  sfn.Condition.booleanEquals('$.completion.complete', true),
                  issueCertificate.next(notifyCertified).next(new sfn.Succeed(this, 'Certified')),
                )
                .otherwise(notifyIncomplete.next(new sfn.Succeed(this, 'Incomplete'))),
            ),
        )
        .otherwise(releaseSeat.next(notifyRejected).next(new sfn.Succeed(this, 'Rejected'))),
    );

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'TraineeWorkflow', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      comment: 'One trainee: nomination → review → class → attendance → certificate',
      timeout: Duration.days(365),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
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
