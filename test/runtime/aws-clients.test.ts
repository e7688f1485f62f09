import { DeleteMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAwsClients } from '../../lib/runtime/inference/agent/aws-clients';
import { parseConfig } from '../../lib/runtime/inference/agent/config';
import { AgentWorld, CREDENTIALS } from './agent-world';

/** The SDK's own deadline on a request the server never answers, without the agent's abort signal. */
describe('agent AWS clients', () => {
  let world: AgentWorld;

  beforeEach(async () => {
    world = await AgentWorld.start();
    world.aws.queue.faults.inject('DeleteMessage', 'hang');
  });
  afterEach(() => world.close());

  const deleteMessage = (sqs: SQSClient): Promise<unknown> => sqs.send(new DeleteMessageCommand({ QueueUrl: world.aws.queueUrl, ReceiptHandle: 'r' }));

  test('fail a request the server never answers after apiTimeoutSeconds, without an abort signal', async () => {
    const config = parseConfig({ ...world.configFile({ apiTimeoutSeconds: 0.3 }) }, world.agentEnv());
    const { sqs } = createAwsClients(config, { endpoints: { sqs: world.aws.url }, credentials: CREDENTIALS });

    await expect(deleteMessage(sqs)).rejects.toThrow(/exceeded the configured 300 ms requestTimeout/);
    expect(world.aws.queue.callsOf('DeleteMessage')).toHaveLength(1);
  });

  test('are needed: the SDK alone only warns when its requestTimeout passes, and keeps waiting', async () => {
    const warnings: string[] = [];
    const sqs = new SQSClient({
      region: 'eu-west-1', endpoint: world.aws.url, credentials: CREDENTIALS, maxAttempts: 1,
      requestHandler: { requestTimeout: 200, logger: { warn: (message: string) => warnings.push(message), debug: () => undefined, info: () => undefined, error: () => undefined } },
    });
    const pending = deleteMessage(sqs).then(() => 'answered', () => 'failed');

    await world.until(() => warnings.length > 0, 'the SDK to warn');
    expect(await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))])).toBe('still waiting');
    expect(warnings[0]).toMatch(/throwOnRequestTimeout=true/);
    sqs.destroy();
  });
});
