import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startAgent } from './agent';
import { loadConfig } from './config';
import { errorMessage, jsonLineLogger } from './log';

// Entry point run by systemd: `node-20 agent.js /etc/ai-inference/agent.json`.
const log = jsonLineLogger(process.stdout);
try {
  const config = loadConfig(process.argv, process.env);
  const agent = startAgent(config, {
    sqs: new SQSClient({ region: config.region }),
    autoScaling: new AutoScalingClient({ region: config.region }),
    s3: new S3Client({ region: config.region }),
    sns: new SNSClient({ region: config.region }),
    log,
  });
  process.once('SIGTERM', () => void agent.drain({ reason: 'sigterm' }));
  // A drained agent exits 0 (systemd's Restart=on-failure leaves it stopped), once its last log line is out.
  void agent.drained.then(() => process.stdout.write('', () => process.exit(0)));
} catch (error) {
  log('agent_failed', { error: errorMessage(error) });
  process.exitCode = 1;
}
