import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { ResolvedAgentConfig } from './config';

/** The AWS clients of the agent. */
export interface AwsClients {
  /** Client of the job queue. */
  readonly sqs: SQSClient;
  /** Client for scale-in protection and the termination lifecycle action. */
  readonly autoScaling: AutoScalingClient;
  /** Client of the results bucket: results, error documents, attempt markers, uploaded inputs. */
  readonly s3: S3Client;
  /** Client of the success and error topics. */
  readonly sns: SNSClient;
}

/** Where the clients send requests and how they sign them, when not the defaults (drills on loopback). */
export interface AwsClientOverrides extends Pick<SQSClientConfig, 'credentials'> {
  /** Endpoint of each service. @default - the SDK's (AWS_ENDPOINT_URL_<SERVICE>, else the region's) */
  readonly endpoints?: Partial<Readonly<Record<keyof AwsClients, string>>>;
}

/**
 * Builds the agent's clients with a deadline on every request. The SDK's HTTP handler only
 * logs a breached requestTimeout unless throwOnRequestTimeout is set, so it is set; each call
 * also carries an abort signal with the same deadline (see withDeadline). The SDK does not
 * retry (maxAttempts 1): the agent retries with its own backoff, so each attempt is one
 * request, bounded, counted and logged by the agent. S3 and SNS, the job's outcome, follow
 * the same rules as SQS and Auto Scaling.
 */
export function createAwsClients(config: ResolvedAgentConfig, overrides: AwsClientOverrides = {}): AwsClients {
  const { endpoints = {}, ...rest } = overrides;
  const clientConfig = {
    region: config.region,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.apiConnectTimeoutSeconds * 1000,
      requestTimeout: config.apiTimeoutSeconds * 1000,
      throwOnRequestTimeout: true,
    },
    ...rest,
  };
  const at = (service: keyof AwsClients) => ({ ...clientConfig, ...(endpoints[service] ? { endpoint: endpoints[service] } : {}) });
  return {
    sqs: new SQSClient(at('sqs')),
    autoScaling: new AutoScalingClient(at('autoScaling')),
    s3: new S3Client(at('s3')),
    sns: new SNSClient(at('sns')),
  };
}
