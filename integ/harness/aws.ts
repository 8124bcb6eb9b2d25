/**
 * AWS SDK v3 clients for the suite's target: the local emulator, or an AWS
 * account (integ/harness/target.ts).
 */
import * as fs from 'fs';
import * as https from 'https';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PipesClient } from '@aws-sdk/client-pipes';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsEnv, caBundle, EMULATOR_ACCOUNT, EMULATOR_REGION, EMULATOR_SECRET } from './emulator';
import { Target } from './target';

/** One client per service, all talking to the same target. */
export interface AwsClients {
  readonly target: Target;
  /** The endpoint of every client; on AWS, the region's CloudFormation endpoint (for messages only). */
  readonly endpoint: string;
  readonly cloudformation: CloudFormationClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
  readonly kinesis: KinesisClient;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly pipes: PipesClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

const cache = new Map<string, AwsClients>();

/** The emulator at `endpoint` as a target (its fixed account, region and credentials; no STS call). */
export function emulatorTarget(endpoint: string): Target {
  return {
    kind: 'emulator', endpoint, region: EMULATOR_REGION, account: EMULATOR_ACCOUNT, identity: `arn:aws:iam::${EMULATOR_ACCOUNT}:root`, env: awsEnv(endpoint),
  };
}

/** Clients for the emulator at `endpoint`, or for `target` (cached per target). */
export function awsClients(target: string | Target): AwsClients {
  const resolved = typeof target === 'string' ? emulatorTarget(target) : target;
  const key = JSON.stringify([resolved.kind, resolved.endpoint, resolved.region, resolved.account, resolved.identity]);
  const cached = cache.get(key);
  if (cached) {
    return cached;
  }
  const endpoint = resolved.endpoint;
  const ca = endpoint ? caBundle(endpoint) ?? resolved.env.AWS_CA_BUNDLE : undefined;
  const { AWS_ACCESS_KEY_ID: accessKeyId = EMULATOR_ACCOUNT, AWS_SECRET_ACCESS_KEY: secretAccessKey = EMULATOR_SECRET } = resolved.env;
  const emulatorCredentials = resolved.kind === 'emulator' ? { credentials: { accessKeyId, secretAccessKey } } : {};
  // On AWS the SDK's default chain finds the caller's credentials (environment, AWS_PROFILE, SSO, ...).
  const config = {
    ...(endpoint ? { endpoint } : {}),
    region: resolved.region,
    ...emulatorCredentials,
    maxAttempts: resolved.kind === 'aws' ? 5 : 3,
    // An emulator that serves TLS has a self-signed certificate: trust it (and only it).
    ...(ca ? { requestHandler: { httpsAgent: new https.Agent({ ca: fs.readFileSync(ca) }) } } : {}),
  };
  const dynamodb = new DynamoDBClient(config);
  const clients: AwsClients = {
    target: resolved,
    endpoint: endpoint ?? `https://cloudformation.${resolved.region}.amazonaws.com`,
    cloudformation: new CloudFormationClient(config),
    cloudwatch: new CloudWatchClient(config),
    dynamodb,
    eventbridge: new EventBridgeClient(config),
    // The Kinesis client speaks HTTP/2 by default, whose handler takes no CA: over TLS it shares the
    // HTTP/1.1 handler of the other clients, which trusts the emulator's certificate.
    kinesis: new KinesisClient(ca ? { ...config, requestHandler: dynamodb.config.requestHandler } : config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    pipes: new PipesClient(config),
    sns: new SNSClient(config),
    // Queue URLs name the emulator's advertised host (localhost); keep the configured endpoint.
    sqs: new SQSClient({ ...config, ...(endpoint ? { useQueueUrlAsEndpoint: false } : {}) }),
  };
  cache.set(key, clients);
  return clients;
}
