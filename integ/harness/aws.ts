/**
 * AWS SDK v3 clients pointed at the local emulator.
 */
import * as fs from 'fs';
import * as https from 'https';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { caBundle, EMULATOR_ACCOUNT, EMULATOR_REGION, EMULATOR_SECRET } from './emulator';

/** One client per service, all talking to the same emulator. */
export interface AwsClients {
  readonly endpoint: string;
  readonly cloudformation: CloudFormationClient;
  readonly dynamodb: DynamoDBClient;
  readonly eventbridge: EventBridgeClient;
  readonly kinesis: KinesisClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

const cache = new Map<string, AwsClients>();

/** Clients for the emulator at `endpoint` (cached per endpoint). */
export function awsClients(endpoint: string): AwsClients {
  const cached = cache.get(endpoint);
  if (cached) {
    return cached;
  }
  const ca = caBundle(endpoint);
  const config = {
    endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: EMULATOR_ACCOUNT, secretAccessKey: EMULATOR_SECRET },
    maxAttempts: 3,
    // An emulator that serves TLS has a self-signed certificate: trust it (and only it).
    ...(ca ? { requestHandler: { httpsAgent: new https.Agent({ ca: fs.readFileSync(ca) }) } } : {}),
  };
  const dynamodb = new DynamoDBClient(config);
  const clients: AwsClients = {
    endpoint,
    cloudformation: new CloudFormationClient(config),
    dynamodb,
    eventbridge: new EventBridgeClient(config),
    // The Kinesis client speaks HTTP/2 by default, whose handler takes no CA: over TLS it shares the
    // HTTP/1.1 handler of the other clients, which trusts the emulator's certificate.
    kinesis: new KinesisClient(ca ? { ...config, requestHandler: dynamodb.config.requestHandler } : config),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    sns: new SNSClient(config),
    // Queue URLs name the emulator's advertised host (localhost); keep the configured endpoint.
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
  };
  cache.set(endpoint, clients);
  return clients;
}
