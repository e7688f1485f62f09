import { Agent, startAgent } from './agent';
import { createAwsClients } from './aws-clients';
import { loadConfig } from './config';
import { errorMessage, jsonLineLogger } from './log';

// Entry point run by systemd: `node-<AGENT_NODE_MAJOR> agent.js /etc/ai-inference/agent.json`.
const log = jsonLineLogger(process.stdout);
// Listen for SIGTERM before anything else: a signal that came before the listener would kill
// the agent without a drain. The handler only runs once this synchronous start is over.
let agent: Agent | undefined;
process.once('SIGTERM', () => void agent?.drain({ reason: 'sigterm' }));
try {
  const config = loadConfig(process.argv, process.env);
  agent = startAgent(config, { ...createAwsClients(config), log });
  // A drained agent exits 0 (systemd's Restart=on-failure leaves it stopped), once its last log line is out.
  void agent.drained.then(() => process.stdout.write('', () => process.exit(0)));
} catch (error) {
  log('agent_failed', { error: errorMessage(error) });
  process.exitCode = 1;
}
