// The app `npx cdk synth` runs (bin/ai-infra.ts), every environment's model published: the
// state `npm run simulate` and `npm run cost` estimate. The pull-request workflow synthesizes the
// base branch with it (`npx cdk synth --app 'npx tsx scripts/foresight/published-app.ts'`) for
// `npm run cost -- --diff`; test/foresight/published-synth.test.ts runs it through the cdk CLI,
// which hands it cdk.json's context, and checks it equals the in-process synth.
import { createAiInfraApp } from '../../lib/ai-infra-app';
import { foresightEnvironments } from './synth-environments';

createAiInfraApp({ environments: foresightEnvironments('default') });
