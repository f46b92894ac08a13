import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { buildTrainingStack } from '../../infra/app';
import { HOST_GROUP, STAFF_GROUP, UNIT_CLAIM } from '../../shared/http/principal';
import { TrainingFunction } from '../../infra/constructs/training-function';
import { FUNCTION_NAMES } from '../../infra/function-names';
import { ROUTES } from '../../infra/routes';
import { METRICS_NAMESPACE } from '../../shared/adapters/metrics';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/adapters/table-definition';
import * as principal from '../../shared/http/principal';
import {
  appWithoutBundling,
  type CfnJson,
  type CfnResourceJson,
  getAtt,
  logicalIdOf,
  ref,
  resourcesOfType,
  type TemplateJson,
} from './synthesis';

// NodejsFunction hands its esbuild settings to Code.fromAsset even when bundling is skipped: record them.
const fromAsset = vi.spyOn(lambda.Code, 'fromAsset');
const stack = buildTrainingStack(appWithoutBundling());
const template = Template.fromStack(stack);
const json = template.toJSON() as TemplateJson;
const esbuildCommands = fromAsset.mock.calls.map(([, options]) =>
  ((options?.bundling as { command?: string[] } | undefined)?.command ?? []).join(' '),
);
fromAsset.mockRestore();

const DATA_KEY = 'DataKey';
const UPLOADS_BUCKET = 'UploadsBucket';
const TABLE = 'RegistrationsTable';
/** CDK's own singleton (Python) that applies bucket notifications at deploy time; not one of ours to shape. */
const CDK_NOTIFICATIONS_HANDLER = /^BucketNotificationsHandler050a0587b7544547bf325f094a3db834/;

function resource(logicalId: string): CfnResourceJson {
  const found = json.Resources[logicalId];
  if (!found) throw new Error(`No resource ${logicalId} in the template`);
  return found;
}

function only(type: string): [string, CfnResourceJson] {
  const found = resourcesOfType(json, type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as [string, CfnResourceJson];
}

function expectRetained(logicalId: string): void {
  expect(resource(logicalId)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
}

const trainingFunctions = stack.node.findAll().filter((c): c is TrainingFunction => c instanceof TrainingFunction);
const ourFunctions = resourcesOfType(json, 'AWS::Lambda::Function').filter(
  ([id]) => !CDK_NOTIFICATIONS_HANDLER.test(id),
);

describe('data key', () => {
  it('is one customer-managed key with yearly rotation, retained under the stable logical id DataKey', () => {
    expect(only('AWS::KMS::Key')[0]).toBe(DATA_KEY);
    expect(resource(DATA_KEY).Properties.EnableKeyRotation).toBe(true);
    expectRetained(DATA_KEY);
  });
});

describe('uploads bucket', () => {
  const bucket = () => resource(UPLOADS_BUCKET).Properties;

  it('keeps the stable logical id UploadsBucket and is retained', () => {
    expect(resource(UPLOADS_BUCKET).Type).toBe('AWS::S3::Bucket');
    expectRetained(UPLOADS_BUCKET);
  });

  it('blocks all four kinds of public access', () => {
    expect(bucket().PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('has a bucket policy that denies every request not made over TLS', () => {
    const policies = resourcesOfType(json, 'AWS::S3::BucketPolicy').filter(
      ([, policy]) => policy.Properties.Bucket?.Ref === UPLOADS_BUCKET,
    );
    expect(policies).toHaveLength(1);
    const statements: CfnJson[] = policies[0]?.[1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: [getAtt(UPLOADS_BUCKET), { 'Fn::Join': ['', [getAtt(UPLOADS_BUCKET), '/*']] }],
    });
  });

  it('encrypts with SSE-KMS under the data key, with an S3 bucket key', () => {
    expect(bucket().BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(DATA_KEY) },
      },
    ]);
  });

  it('is versioned', () => {
    expect(bucket().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('expires raw uploads under incoming/ and aborts incomplete multipart uploads', () => {
    const rules: CfnJson[] = bucket().LifecycleConfiguration.Rules;
    const prefixOf = (rule: CfnJson) => rule.Prefix ?? rule.Filter?.Prefix;
    const expireIncoming = rules.filter(
      (rule) => rule.Status === 'Enabled' && prefixOf(rule) === 'incoming/' && rule.ExpirationInDays > 0,
    );
    expect(expireIncoming, 'an enabled expiration rule for incoming/').toHaveLength(1);
    const abortMultipart = rules.filter(
      (rule) => rule.Status === 'Enabled' && rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation > 0,
    );
    expect(abortMultipart, 'an enabled abort-incomplete-multipart rule').toHaveLength(1);
    expect(prefixOf(abortMultipart[0]), 'the abort rule covers the whole bucket').toBeUndefined();
  });

  it('allows browser POSTs only from an explicit https origin allowlist', () => {
    const cors: CfnJson[] = bucket().CorsConfiguration.CorsRules;
    expect(cors.length).toBeGreaterThan(0);
    for (const rule of cors) {
      expect(rule.AllowedOrigins.length).toBeGreaterThan(0);
      for (const origin of rule.AllowedOrigins) expect(origin).toMatch(/^https:\/\/[^*\s/]+$/);
      expect(rule.AllowedMethods).toEqual(['POST']);
    }
  });

  it('delivers server access logs to the separate access-log bucket', () => {
    const logging = bucket().LoggingConfiguration;
    expect(logging.DestinationBucketName).toEqual(ref('AccessLogsBucket'));
    expect(logging.LogFilePrefix).toMatch(/\S/);
    const accessLogs = resource('AccessLogsBucket');
    expect(accessLogs.Type).toBe('AWS::S3::Bucket');
    expect(accessLogs.Properties.PublicAccessBlockConfiguration).toEqual(bucket().PublicAccessBlockConfiguration);
    expect(accessLogs.Properties.BucketEncryption).toBeDefined();
    expectRetained('AccessLogsBucket');
  });
});

describe('registrations table', () => {
  const table = () => resource(TABLE).Properties;

  it('is the only table, keeps the stable logical id RegistrationsTable and is retained', () => {
    expect(only('AWS::DynamoDB::Table')[0]).toBe(TABLE);
    expectRetained(TABLE);
  });

  it('bills on demand, keeps point-in-time recovery and refuses deletion', () => {
    expect(table().BillingMode).toBe('PAY_PER_REQUEST');
    expect(table().PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table().DeletionProtectionEnabled).toBe(true);
  });

  it('encrypts with the customer-managed data key', () => {
    expect(table().SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(DATA_KEY) });
  });

  it('has the key schema and exactly the GSIs declared in TABLE_INDEXES (byUnit, byClass, byYear)', () => {
    expect(TABLE_INDEXES.map((index) => index.indexName)).toEqual(['byUnit', 'byClass', 'byYear']);
    expect(table().KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes: CfnJson[] = table().GlobalSecondaryIndexes;
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(TABLE_INDEXES.map((i) => i.indexName).sort());
    for (const expected of TABLE_INDEXES) {
      expect(indexes).toContainEqual(
        expect.objectContaining({
          IndexName: expected.indexName,
          KeySchema: [
            { AttributeName: expected.partitionKey, KeyType: 'HASH' },
            { AttributeName: expected.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
      for (const attribute of [expected.partitionKey, expected.sortKey])
        expect(table().AttributeDefinitions).toContainEqual({ AttributeName: attribute, AttributeType: 'S' });
    }
  });

  it('projects into every index neither the personal details nor the task token: lists cannot leak them', () => {
    for (const index of table().GlobalSecondaryIndexes as CfnJson[]) {
      expect(index.Projection.ProjectionType, index.IndexName).toBe('INCLUDE');
      const projected: string[] = index.Projection.NonKeyAttributes;
      for (const secret of ['personal', 'taskToken', 'personHash'])
        expect(projected, index.IndexName).not.toContain(secret);
      expect(projected).toEqual(expect.arrayContaining(['masked', 'trainee', 'status', 'registrationId']));
      expect(new Set(projected).size, `${index.IndexName}: each attribute once`).toBe(projected.length);
    }
  });

  it('expires items by the TTL attribute', () => {
    expect(table().TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });
});

describe('Lambda functions', () => {
  it('are exactly the TrainingFunctions, one per FUNCTION_NAMES entry (besides CDK’s notifications handler)', () => {
    expect(trainingFunctions.map((fn) => fn.functionName).sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(ourFunctions.map(([id]) => id).sort()).toEqual(trainingFunctions.map((fn) => logicalIdOf(fn.fn)).sort());
    expect(resourcesOfType(json, 'AWS::Lambda::Function')).toHaveLength(ourFunctions.length + 1);
  });

  it.each(FUNCTION_NAMES)(
    '%s runs nodejs24.x on arm64 with explicit timeout and memory, and active tracing',
    (name) => {
      const fn = functionProperties(name);
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Timeout).toBeGreaterThan(0);
      expect(fn.Timeout).toBeLessThanOrEqual(900);
      expect(fn.MemorySize).toBeGreaterThanOrEqual(128);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    },
  );

  it.each(FUNCTION_NAMES)('%s logs JSON into its own encrypted log group with a retention', (name) => {
    const fn = functionProperties(name);
    expect(fn.LoggingConfig.LogFormat).toBe('JSON');
    const logGroupId: string = fn.LoggingConfig.LogGroup?.Ref;
    expect(resource(logGroupId).Type).toBe('AWS::Logs::LogGroup');
    const sharing = ourFunctions.filter(([, other]) => other.Properties.LoggingConfig?.LogGroup?.Ref === logGroupId);
    expect(sharing).toHaveLength(1);
  });

  it.each(FUNCTION_NAMES)('%s runs with source maps enabled', (name) => {
    expect(functionProperties(name).Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
  });

  it('every log group in the stack has a retention and is encrypted with the data key', () => {
    const logGroups = resourcesOfType(json, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
    for (const [id, logGroup] of logGroups) {
      expect(logGroup.Properties.RetentionInDays, id).toBeGreaterThan(0);
      expect(logGroup.Properties.KmsKeyId, id).toEqual(getAtt(DATA_KEY));
    }
  });

  it('bundles every function as minified ESM for node24 with source maps', () => {
    expect(esbuildCommands).toHaveLength(FUNCTION_NAMES.length);
    for (const command of esbuildCommands) {
      expect(command).toContain("'--minify'");
      expect(command).toContain("'--sourcemap'");
      expect(command).toContain("'--format=esm'");
      expect(command).toContain("'--target=node24'");
    }
  });

  it('functions behind the HTTP API answer within its 30 s integration timeout', () => {
    for (const target of new Set(ROUTES.map((route) => route.target)))
      expect(functionProperties(target).Timeout, target).toBeLessThan(30);
  });
});

describe('ingest', () => {
  const ingestId = logicalIdOf(stack.intake.ingest.fn);

  it('retries async invocations at most twice, then sends the event to a KMS-encrypted queue', () => {
    const configs = resourcesOfType(json, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, config]) => config.Properties.FunctionName?.Ref === ingestId,
    );
    expect(configs).toHaveLength(1);
    const config: CfnJson = configs[0]?.[1].Properties;
    expect(config.MaximumRetryAttempts).toBeLessThanOrEqual(2);
    const destination = config.DestinationConfig.OnFailure.Destination;
    expect(destination['Fn::GetAtt']?.[1]).toBe('Arn');
    const queue = resource(destination['Fn::GetAtt'][0]);
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties.KmsMasterKeyId).toEqual(getAtt(DATA_KEY));
  });

  it('has reserved concurrency', () => {
    expect(resource(ingestId).Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  it('leaves send-notice a small reserve, so a large upload’s notices reach SES as a stream, not a burst', () => {
    const sendNotice = resource(logicalIdOf(stack.notices.sendNotice.fn)).Properties;
    expect(sendNotice.ReservedConcurrentExecutions).toBe(2);
  });

  it('is triggered by s3:ObjectCreated:* under incoming/ of the uploads bucket', () => {
    const [, notifications] = only('Custom::S3BucketNotifications');
    expect(notifications.Properties.BucketName).toEqual(ref(UPLOADS_BUCKET));
    expect(notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
        LambdaFunctionArn: getAtt(ingestId),
      },
    ]);
  });
});

describe('HTTP API and sign-in', () => {
  const [authorizerId, authorizer] = only('AWS::ApiGatewayV2::Authorizer');
  const [userPoolId, userPool] = only('AWS::Cognito::UserPool');

  it('guards every route with the JWT authorizer, except the public ones, which go to public-api alone', () => {
    const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    const publicKeys = new Set(ROUTES.filter((r) => r.public).map((r) => `${r.method} ${r.path}`));
    expect([...publicKeys].sort()).toEqual([
      'GET /certificates/{number}/certificate.pdf',
      'GET /evaluation/{token}',
      'GET /verify/{number}',
      'POST /evaluation/{token}',
    ]);
    for (const route of ROUTES) expect(route.public === true, route.path).toBe(route.target === 'public-api');
    for (const [id, route] of routes) {
      if (publicKeys.has(route.Properties.RouteKey)) {
        expect(route.Properties.AuthorizationType, id).toBe('NONE');
        continue;
      }
      expect(route.Properties.AuthorizationType, id).toBe('JWT');
      expect(route.Properties.AuthorizerId, id).toEqual(ref(authorizerId));
    }
  });

  it('answers browser preflights only for the configured console origin, never *', () => {
    const [, api] = only('AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(['https://console.example.org']);
    expect(cors.AllowOrigins).not.toContain('*');
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type']);
    expect(cors.AllowMethods.sort()).toEqual(['GET', 'POST', 'PUT']);
  });

  it('throttles each public route harder than the signed-in default', () => {
    const [, stage] = resourcesOfType(json, 'AWS::ApiGatewayV2::Stage')[0] as [string, CfnResourceJson];
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
    for (const route of ROUTES.filter((r) => r.public)) {
      // Verification and download: 5 rps; the evaluation form: enough for a class answering together.
      const limit = route.path.startsWith('/evaluation') ? 25 : 5;
      expect(settings[`${route.method} ${route.path}`]?.ThrottlingRateLimit, route.path).toBe(limit);
    }
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBe(50);
  });

  it('serves exactly the routes of infra/routes.ts', () => {
    const routeKeys = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('accepts only ID tokens issued by the Cognito user pool for the console client', () => {
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.JwtConfiguration.Issuer).toEqual({
      'Fn::Join': ['', ['https://cognito-idp.', ref('AWS::Region'), '.amazonaws.com/', ref(userPoolId)]],
    });
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([ref(clientId)]);
  });

  it('throttles the stage and writes JSON access logs to an encrypted log group', () => {
    const [, stage] = only('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    expect(resource(DestinationArn['Fn::GetAtt'][0]).Type).toBe('AWS::Logs::LogGroup');
    const format = JSON.parse(Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      subject: '$context.authorizer.claims.sub',
    });
  });

  it('has the staff and host groups, the custom unit and classes attributes and required MFA; the pool is retained', () => {
    const groups = resourcesOfType(json, 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties);
    expect(groups.map((group) => group.GroupName).sort()).toEqual([HOST_GROUP, STAFF_GROUP].sort());
    for (const group of groups) expect(group.UserPoolId).toEqual(ref(userPoolId));
    expect(UNIT_CLAIM).toBe('custom:unit');
    expect(userPool.Properties.Schema).toContainEqual(
      expect.objectContaining({ Name: 'unit', AttributeDataType: 'String' }),
    );
    expect(userPool.Properties.MfaConfiguration).toBe('ON');
    expect(userPool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expectRetained(userPoolId);
  });

  it('issues the groups and claims the handlers read (shared/http/principal.ts)', () => {
    // A name that differs by a letter between the pool and the handlers locks every host or unit out.
    expect(STAFF_GROUP).toBe(principal.STAFF_GROUP);
    expect(HOST_GROUP).toBe(principal.HOST_GROUP);
    expect(HOST_GROUP).toBe('host');
    expect(UNIT_CLAIM).toBe(principal.UNIT_CLAIM);
    const custom = (claim: string) => claim.replace(/^custom:/, '');
    const schema: CfnJson[] = userPool.Properties.Schema;
    expect(principal.CLASSES_CLAIM).toBe('custom:classes');
    for (const claim of [principal.UNIT_CLAIM, principal.CLASSES_CLAIM]) {
      const attribute = schema.find((candidate) => candidate.Name === custom(claim));
      expect(attribute, claim).toMatchObject({ AttributeDataType: 'String', Mutable: true });
    }
    // "1,4": a host runs several classes; the attribute must hold such a list.
    const classes = schema.find((candidate) => candidate.Name === 'classes');
    expect(Number(classes.StringAttributeConstraints.MaxLength)).toBeGreaterThanOrEqual('1,2,3,4,5,6,7,8,9,10'.length);
    // The console client may read both claims, so they reach the ID token the authorizer passes on.
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.ReadAttributes).toEqual(
      expect.arrayContaining([principal.UNIT_CLAIM, principal.CLASSES_CLAIM]),
    );
    expect(client.Properties.WriteAttributes ?? []).not.toContain(principal.CLASSES_CLAIM);
    expect(client.Properties.WriteAttributes ?? []).not.toContain(principal.UNIT_CLAIM);
  });

  it('sends each route to the function infra/routes.ts names', () => {
    const integrationTarget = (integrationRef: string): string => {
      const uri = JSON.stringify(resource(integrationRef).Properties.IntegrationUri);
      const fn = trainingFunctions.find((candidate) => uri === JSON.stringify(getAtt(logicalIdOf(candidate.fn))));
      if (!fn) throw new Error(`integration ${integrationRef} targets no TrainingFunction`);
      return fn.functionName;
    };
    const served = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
      const [prefix, integration] = route.Properties.Target['Fn::Join'][1];
      expect(prefix).toBe('integrations/');
      const target = integration.Ref as string;
      return `${route.Properties.RouteKey} → ${integrationTarget(target)}`;
    });
    expect(served.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path} → ${route.target}`).sort());
    expect(ROUTES.filter((route) => route.target === 'class-api').length).toBeGreaterThan(0);
  });
});

describe('workflow recovery and the class API: alarm and grants', () => {
  const machineId = only('AWS::StepFunctions::StateMachine')[0];
  const machine = resource(machineId).Properties;

  it('raises the FailedExecutions alarm on the state machine’s ExecutionsFailed metric', () => {
    const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(([id]) => id.includes('FailedExecutions'));
    expect(alarms).toHaveLength(1);
    const [, alarm] = alarms[0] as [string, { Properties: Record<string, unknown> }];
    expect(alarm.Properties).toMatchObject({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 1 });
  });

  it('raises the FailedRegistrations alarm on the RegistrationsFailed metric workflow-task emits', () => {
    const alarms = resourcesOfType(json, 'AWS::CloudWatch::Alarm').filter(([id]) => id.includes('FailedRegistrations'));
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]?.[1].Properties;
    const environment = functionProperties('workflow-task').Environment.Variables;
    expect(alarm).toMatchObject({
      MetricName: 'RegistrationsFailed',
      Namespace: METRICS_NAMESPACE,
      // Powertools adds the service name as the one dimension; the alarm must watch that very series.
      Dimensions: [{ Name: 'service', Value: environment.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
    expect(environment.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    expect(readFileSync(new URL('../../functions/workflow-task/handler.ts', import.meta.url), 'utf8')).toContain(
      "countMetric('RegistrationsFailed')",
    );
  });

  it('lets workflow-task answer tasks (SendTaskSuccess/Failure) only on the trainee workflow, by its name', () => {
    const granted = statementsOf('workflow-task').filter((statement) => actionsOf(statement).some(isStatesAction));
    expect(granted).toHaveLength(1);
    const [statement] = granted;
    expect(statement.Effect).toBe('Allow');
    expect(actionsOf(statement).sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
    // One resource: the machine's ARN built from its fixed name (a reference would make a cycle).
    expect(Array.isArray(statement.Resource)).toBe(false);
    const arn = flatten(statement.Resource);
    expect(machine.StateMachineName).toMatch(/\S/);
    expect(arn).toBe(
      `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${machine.StateMachineName}`,
    );
  });

  it('the class-api function exists, reads and writes the table and may answer the workflow’s tasks', () => {
    expect(FUNCTION_NAMES).toContain('class-api');
    const statements = statementsOf('class-api');
    const onTable = statements.filter((statement) =>
      [statement.Resource].flat().some((r: CfnJson) => JSON.stringify(r) === JSON.stringify(getAtt(TABLE))),
    );
    const tableActions = onTable.flatMap(actionsOf);
    // A transaction (attendance, leave, close) needs the write actions and ConditionCheckItem; rosters need Query.
    for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'])
      expect(tableActions, action).toContain(`dynamodb:${action}`);
    // The table is encrypted with the data key: no use of the table without it.
    const keyActions = statements
      .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(getAtt(DATA_KEY)))
      .flatMap(actionsOf);
    expect(keyActions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*']));
    const taskResponse = statements.filter((statement) => actionsOf(statement).some(isStatesAction));
    expect(taskResponse).toHaveLength(1);
    expect(actionsOf(taskResponse[0])).toEqual(
      expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']),
    );
    expect(actionsOf(taskResponse[0]).filter((action) => !/^states:SendTask/.test(action))).toEqual([]);
    expect(taskResponse[0].Resource).toEqual(ref(machineId));
  });
});

describe('SES', () => {
  it('sends through a configuration set that the sender identity and the senders use', () => {
    const [configurationSetId] = only('AWS::SES::ConfigurationSet');
    const [, identity] = only('AWS::SES::EmailIdentity');
    expect(identity.Properties.ConfigurationSetAttributes).toEqual({ ConfigurationSetName: ref(configurationSetId) });
    for (const name of ['send-notice', 'ingest-upload'] as const)
      expect(functionProperties(name).Environment.Variables.MAIL_CONFIGURATION_SET, name).toEqual(
        ref(configurationSetId),
      );
  });
});

describe('IAM', () => {
  it('grants no "*" action and no whole-service wildcard (such as dynamodb:* or s3:*)', () => {
    const documents: [string, CfnJson][] = [
      ...resourcesOfType(json, 'AWS::IAM::Policy').map(([id, p]): [string, CfnJson] => [
        id,
        p.Properties.PolicyDocument,
      ]),
      ...resourcesOfType(json, 'AWS::IAM::ManagedPolicy').map(([id, p]): [string, CfnJson] => [
        id,
        p.Properties.PolicyDocument,
      ]),
      ...resourcesOfType(json, 'AWS::IAM::Role').flatMap(([id, role]) =>
        (role.Properties.Policies ?? []).map((inline: CfnJson): [string, CfnJson] => [id, inline.PolicyDocument]),
      ),
    ];
    expect(documents.length).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const [id, document] of documents) {
      for (const statement of document.Statement as CfnJson[]) {
        if (statement.Effect !== 'Allow') continue;
        if (statement.NotAction) offending.push(`${id}: NotAction`);
        for (const action of [statement.Action].flat()) {
          if (action === '*' || /^[\w-]+:\*$/.test(action)) offending.push(`${id}: ${action}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

/**
 * Least privilege, written out by hand (not derived from infra/data-access.ts, which builds the roles): each role's
 * DynamoDB and S3 statements, by partition-key prefix, index and key prefix. A grant widened in the declaration,
 * or a statement added beside it, fails here.
 */
const P = (...prefixes: string[]) => prefixes.map((prefix) => (prefix === 'IDEMPOTENCY' ? prefix : `${prefix}#*`));
const EXPECTED_ACCESS: Record<string, Record<string, string[]>> = {
  'upload-url': { ReadItems: P('PROGRAMME'), WriteItems: P('UPLOAD'), WriteObjects: ['incoming/'] },
  'ingest-upload': {
    ReadItems: P('PROGRAMME', 'UPLOAD', 'REG', 'LOCK', 'UNIT', 'IDEMPOTENCY', 'NOTICE', 'MAILMARK'),
    QueryPartitions: P('REG', 'PROGRAMME'),
    WriteItems: P('PROGRAMME', 'UPLOAD', 'REG', 'LOCK', 'UNIT', 'IDEMPOTENCY', 'NOTICE', 'MAILMARK'),
    QueryIndexes: ['byClass'],
    ReadObjects: ['incoming/'],
    WriteObjects: ['reports/'],
    DeleteObjectVersions: ['incoming/'],
  },
  'admin-api': {
    ReadItems: P('PROGRAMME', 'UPLOAD', 'REG', 'LOCK'),
    QueryPartitions: P('REG', 'PROGRAMME'),
    WriteItems: P('PROGRAMME', 'REG', 'LOCK', 'NOTICE', 'AUDIT'),
    QueryIndexes: ['byUnit', 'byClass', 'byYear'],
    ReadObjects: ['reports/'],
  },
  'staff-api': {
    ReadItems: P('PROGRAMME', 'REG'),
    QueryPartitions: P('AUDIT', 'PROGRAMME', 'UNIT'),
    WriteItems: P('AUDIT', 'PROGRAMME', 'UNIT'),
    QueryIndexes: ['byUnit', 'byClass', 'byYear'],
    ReadObjects: ['exports/'],
    WriteObjects: ['exports/'],
  },
  'class-api': {
    ReadItems: P('PROGRAMME', 'REG'),
    QueryPartitions: P('REG', 'PROGRAMME'),
    WriteItems: P('PROGRAMME', 'REG', 'AUDIT'),
    QueryIndexes: ['byClass'],
    ReadObjects: ['exports/'],
    WriteObjects: ['exports/'],
  },
  'certificate-api': {
    ReadItems: P('PROGRAMME', 'REG', 'CERT'),
    QueryPartitions: P('REG', 'PROGRAMME'),
    WriteItems: P('PROGRAMME', 'REG', 'CERT', 'AUDIT'),
    QueryIndexes: ['byClass'],
    ReadObjects: ['certificates/', 'archives/'],
    WriteObjects: ['certificates/', 'archives/'],
  },
  'public-api': {
    ReadItems: P('PROGRAMME', 'CERT', 'EVAL', 'EVALTOKEN'),
    WriteItems: P('EVAL', 'EVALTOKEN'),
    ReadObjects: ['certificates/'],
  },
  'evaluation-api': {
    ReadItems: P('PROGRAMME', 'REG', 'EVAL', 'EVALTOKEN', 'NOTICE', 'MAILMARK'),
    QueryPartitions: P('EVAL', 'REG'),
    WriteItems: P('REG', 'EVAL', 'EVALTOKEN', 'NOTICE', 'MAILMARK', 'AUDIT'),
    ReadObjects: ['exports/'],
    WriteObjects: ['exports/'],
  },
  'workflow-task': {
    ReadItems: P('PROGRAMME', 'REG', 'LOCK', 'CERT'),
    QueryPartitions: P('REG', 'PROGRAMME'),
    WriteItems: P('PROGRAMME', 'REG', 'LOCK', 'CERT'),
    WriteObjects: ['certificates/'],
  },
  'stuck-uploads': { WriteItems: P('UPLOAD'), QueryIndexes: ['byYear'], ReadObjects: ['incoming/'] },
  'send-notice': {
    ReadItems: P('PROGRAMME', 'REG', 'UNIT', 'EVAL', 'EVALTOKEN', 'NOTICE', 'MAILMARK'),
    QueryPartitions: P('REG', 'EVAL'),
    WriteItems: P('REG', 'EVAL', 'EVALTOKEN', 'NOTICE', 'MAILMARK'),
    QueryIndexes: ['byClass'],
  },
  'mail-events': {
    ReadItems: P('PROGRAMME', 'REG', 'UNIT', 'NOTICE', 'MAILMARK'),
    QueryPartitions: P('REG'),
    WriteItems: P('REG', 'NOTICE', 'MAILMARK'),
  },
};
const SID_ACTIONS: Record<string, string[]> = {
  ReadItems: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem'],
  QueryPartitions: ['dynamodb:Query'],
  WriteItems: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  QueryIndexes: ['dynamodb:Query'],
  ReadObjects: ['s3:GetObject', 's3:GetObjectVersion'],
  WriteObjects: ['s3:AbortMultipartUpload', 's3:PutObject'],
  DeleteObjectVersions: ['s3:DeleteObjectVersion'],
};

describe('least privilege, role by role', () => {
  it.each(Object.keys(EXPECTED_ACCESS))('%s: exactly its items, indexes and object prefixes', (name) => {
    const expected = EXPECTED_ACCESS[name] as Record<string, string[]>;
    const data = statementsOf(name).filter((statement) =>
      actionsOf(statement).some((action) => /^(dynamodb|s3):/.test(action)),
    );
    const bySid = Object.fromEntries(data.map((statement) => [statement.Sid, statement]));
    expect(Object.keys(bySid).sort()).toEqual(Object.keys(expected).sort());
    for (const [sid, scope] of Object.entries(expected)) {
      const statement = bySid[sid];
      expect(actionsOf(statement).sort(), `${name} ${sid}`).toEqual(SID_ACTIONS[sid]);
      if (sid === 'QueryIndexes') {
        const indexes = [statement.Resource].flat().map((arn: CfnJson) => flatten(arn).split('/index/')[1]);
        expect(indexes.sort()).toEqual([...scope].sort());
        expect(statement.Condition).toBeUndefined();
      } else if (sid.endsWith('Objects') || sid === 'DeleteObjectVersions') {
        const prefixes = [statement.Resource].flat().map((arn: CfnJson) => flatten(arn).split('/').slice(1).join('/'));
        expect(prefixes.sort()).toEqual(scope.map((prefix) => `${prefix}*`).sort());
      } else {
        expect(flatten(statement.Resource)).toContain(TABLE);
        expect(statement.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'].sort()).toEqual(
          [...scope].sort(),
        );
      }
    }
  });

  it('gives no role Scan, a batch operation, or a table-wide grant', () => {
    for (const name of Object.keys(EXPECTED_ACCESS)) {
      const actions = statementsOf(name).flatMap(actionsOf);
      expect(
        actions.filter((action) => /^dynamodb:(Scan|Batch|.*\*)/.test(action)),
        name,
      ).toEqual([]);
    }
  });

  it('writes logs only to the function’s own log group, without AWSLambdaBasicExecutionRole', () => {
    for (const name of Object.keys(EXPECTED_ACCESS)) {
      const roleId: string = functionProperties(name).Role['Fn::GetAtt'][0];
      expect(resource(roleId).Properties.ManagedPolicyArns ?? [], name).toEqual([]);
      const logs = statementsOf(name).filter((statement) => actionsOf(statement).some((a) => a.startsWith('logs:')));
      expect(logs, name).toHaveLength(1);
      expect(actionsOf(logs[0]).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      const logGroupId = functionProperties(name).LoggingConfig.LogGroup.Ref;
      expect(logs[0].Resource).toEqual(getAtt(logGroupId));
    }
  });

  it('lets the bucket serve incoming/ only to ingest (and the stuck-upload check) and reports/ only to admin-api', () => {
    const [, policy] = resourcesOfType(json, 'AWS::S3::BucketPolicy').find(
      ([, candidate]) => candidate.Properties.Bucket.Ref === UPLOADS_BUCKET,
    ) as [string, CfnResourceJson];
    const statements = policy.Properties.PolicyDocument.Statement as CfnJson[];
    const denyFor = (sid: string) => statements.find((statement) => statement.Sid === sid);
    const roleOf = (name: string) => getAtt(functionProperties(name).Role['Fn::GetAtt'][0]);
    for (const [sid, prefix, readers] of [
      ['OnlyDeclaredReadersOfUploads', 'incoming/*', ['ingest-upload', 'stuck-uploads']],
      ['OnlyDeclaredReadersOfReports', 'reports/*', ['admin-api']],
      // Exports may hold full personal values: only the functions that make them may read them (to sign the link).
      ['OnlyDeclaredReadersOfExports', 'exports/*', ['class-api', 'staff-api', 'evaluation-api']],
    ] as const) {
      const deny = denyFor(sid);
      expect(deny, sid).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
      expect(actionsOf(deny).sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      expect(flatten(deny.Resource)).toContain(`/${prefix}`);
      expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual(readers.map(roleOf));
    }
  });

  it('has the key refuse to decrypt S3 objects for any role that does not use the bucket', () => {
    const statements = resource(DATA_KEY).Properties.KeyPolicy.Statement as CfnJson[];
    const deny = statements.find((statement) => statement.Sid === 'OnlyFileFunctionsDecryptUploads');
    expect(deny).toMatchObject({ Effect: 'Deny', Action: 'kms:Decrypt' });
    const allowed = (deny.Condition.ArnNotEquals['aws:PrincipalArn'] as CfnJson[]).map((arn) => arn['Fn::GetAtt'][0]);
    const bucketUsers = [
      'upload-url',
      'ingest-upload',
      'admin-api',
      'staff-api',
      'class-api',
      'certificate-api',
      'public-api',
      'workflow-task',
      'stuck-uploads',
      'evaluation-api',
    ];
    expect(allowed.sort()).toEqual(bucketUsers.map((name) => functionProperties(name).Role['Fn::GetAtt'][0]).sort());
  });
});

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: string): CfnJson[] {
  const roleId: string = functionProperties(name).Role['Fn::GetAtt'][0];
  const attached = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, policy]) =>
    (policy.Properties.Roles as CfnJson[]).some((role) => role.Ref === roleId),
  );
  const inline = (resource(roleId).Properties.Policies ?? []).map((policy: CfnJson) => policy.PolicyDocument);
  return [...attached.map(([, policy]) => policy.Properties.PolicyDocument), ...inline].flatMap(
    (document: CfnJson) => document.Statement,
  );
}

function actionsOf(statement: CfnJson): string[] {
  return [statement.Action].flat();
}

function isStatesAction(action: string): boolean {
  return action.startsWith('states:');
}

/** An Fn::Join of strings and pseudo-parameter Refs, as one string with ${Ref} placeholders. */
function flatten(value: CfnJson): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `\${${value.Ref}}`;
  if (value?.['Fn::Join']) return (value['Fn::Join'][1] as CfnJson[]).map(flatten).join(value['Fn::Join'][0]);
  return JSON.stringify(value);
}

function functionProperties(name: string): CfnJson {
  const fn = trainingFunctions.find((candidate) => candidate.functionName === name);
  if (!fn) throw new Error(`No TrainingFunction named ${name}`);
  return resource(logicalIdOf(fn.fn)).Properties;
}
