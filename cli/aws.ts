/**
 * The AWS clients of the command, from the standard credential chain.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/** What selects the account, the region and the endpoint. */
export interface ConnectionOptions {
  /** `--region`; otherwise AWS_REGION or the profile's region. */
  readonly region?: string;
  /** `--profile`; otherwise AWS_PROFILE or the default profile. */
  readonly profile?: string;
  /** `--endpoint-url`; otherwise AWS_ENDPOINT_URL (an emulator, a VPC endpoint). */
  readonly endpointUrl?: string;
}

/** One client per service the command calls. */
export interface Clients {
  readonly sqs: SQSClient;
  readonly cloudformation: CloudFormationClient;
  readonly cloudwatch: CloudWatchClient;
  readonly eventbridge: EventBridgeClient;
  /** The endpoint requests go to when it is not AWS's own, for messages. */
  readonly endpoint?: string;
}

/** Makes the clients of one run. */
export type ClientFactory = (options: ConnectionOptions) => Clients;

/**
 * Clients with the SDK's default credential chain (environment, shared
 * files and SSO for `--profile`, container and instance roles), one retry
 * policy, and the endpoint of `--endpoint-url` or AWS_ENDPOINT_URL when set.
 */
export const awsClients: ClientFactory = (options) => {
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const config = {
    region: options.region,
    profile: options.profile,
    endpoint: options.endpointUrl,
    maxAttempts: 3,
  };
  return {
    // Queue URLs returned by an emulator name the host it advertises; requests keep the configured endpoint.
    sqs: new SQSClient({ ...config, useQueueUrlAsEndpoint: endpoint === undefined }),
    cloudformation: new CloudFormationClient(config),
    cloudwatch: new CloudWatchClient(config),
    eventbridge: new EventBridgeClient(config),
    endpoint,
  };
};
