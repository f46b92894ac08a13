import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName } from '../function-names';
import { CLASSES_ATTRIBUTE, HOST_GROUP, STAFF_GROUP, UNIT_ATTRIBUTE } from '../../shared/http/principal';
import { PUBLIC_ROUTE_THROTTLE, ROUTES } from '../routes';
import type { TrainingFunction } from './training-function';

export interface AdminApiProps {
  readonly key: kms.IKey;
  readonly allowedOrigins: readonly string[];
  /** The functions that serve routes, by the name the route table uses. */
  readonly targets: Partial<Record<FunctionName, TrainingFunction>>;
}

/**
 * Sign-in and the HTTP API. Cognito issues ID tokens carrying `cognito:groups` (staff) or `custom:unit`
 * (provincial operators); the JWT authorizer guards every route and the handlers decide per role and unit.
 */
export class AdminApi extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        [UNIT_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
        // The class numbers a host institution runs, e.g. "1,4".
        [CLASSES_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG3',
      reason: 'Threat protection needs the Cognito Plus plan; accounts are created by staff and MFA is required.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'The Plus feature plan is a cost decision left to the operator; MFA and a strong password policy apply.',
    });
    new cognito.CfnUserPoolGroup(this, 'StaffGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: STAFF_GROUP,
      description: 'SME Bureau and talent-centre staff: review, assign, attendance, exports',
    });
    new cognito.CfnUserPoolGroup(this, 'HostGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: HOST_GROUP,
      description: 'Class host institutions (承办机构): rosters, sign-in and closing of the classes in custom:classes',
    });
    this.userPoolClient = this.userPool.addClient('Console', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, fullname: true })
        .withCustomAttributes(UNIT_ATTRIBUTE, CLASSES_ATTRIBUTE),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Leading-talent training: uploads, reports, registrations, review',
      createDefaultStage: false,
      defaultAuthorizer: new HttpUserPoolAuthorizer('Cognito', this.userPool, {
        userPoolClients: [this.userPoolClient],
      }),
      corsPreflight: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const stage = this.httpApi.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            // Who called: the token's subject (an opaque id, never a name or number); empty on public routes.
            subject: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'Serverless-APIGWXrayEnabled',
      reason: 'HTTP APIs do not support X-Ray; the Lambdas behind them are traced.',
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const publicRoutes: { key: string; limit: { rateLimit: number; burstLimit: number } }[] = [];
    for (const route of ROUTES) {
      const target = props.targets[route.target];
      if (!target) throw new Error(`No function given for route target ${route.target}`);
      let integration = integrations.get(route.target);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.target}-integration`, target.fn);
        integrations.set(route.target, integration);
      }
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        ...(route.public ? { authorizer: new apigw.HttpNoneAuthorizer() } : {}),
      });
      if (route.public && added) {
        publicRoutes.push({ key: `${route.method} ${route.path}`, limit: route.throttle ?? PUBLIC_ROUTE_THROTTLE });
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design (certificate verification, evaluation by personal link): served by its own function, which may touch only certificate, evaluation and programme items (no registration), and throttled per route.',
        });
      }
    }
    // Public routes get their own, lower throttle: they face the internet without a sign-in.
    const cfnStage = stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      publicRoutes.map(({ key, limit }) => [
        key,
        // RouteSettings is an untyped JSON map in CloudFormation: CDK passes its keys through as written.
        { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit },
      ]),
    );

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
