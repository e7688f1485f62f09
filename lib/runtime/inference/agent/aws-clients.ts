import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { ResolvedAgentConfig } from './config';

/** The AWS clients of the agent. */
export interface AwsClients {
  /** Client of the job queue. */
  readonly sqs: SQSClient;
  /** Client for scale-in protection and the termination lifecycle action. */
  readonly autoScaling: AutoScalingClient;
}

/** Where the clients send requests and how they sign them, when not the defaults (drills on loopback). */
export type AwsClientOverrides = Pick<SQSClientConfig, 'endpoint' | 'credentials'>;

/**
 * Builds the SQS and Auto Scaling clients with a deadline on every request. The SDK's HTTP
 * handler only logs a breached requestTimeout unless throwOnRequestTimeout is set, so it is
 * set; each call also carries an abort signal with the same deadline (see withDeadline).
 * The SDK does not retry (maxAttempts 1): the agent retries with its own backoff, so each
 * attempt is one request, bounded, counted and logged by the agent.
 */
export function createAwsClients(config: ResolvedAgentConfig, overrides: AwsClientOverrides = {}): AwsClients {
  const clientConfig = {
    region: config.region,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.apiConnectTimeoutSeconds * 1000,
      requestTimeout: config.apiTimeoutSeconds * 1000,
      throwOnRequestTimeout: true,
    },
    ...overrides,
  };
  return { sqs: new SQSClient(clientConfig), autoScaling: new AutoScalingClient(clientConfig) };
}
