// The app `npx cdk synth` runs (bin/ai-infra.ts), every environment's model published: the
// state `npm run simulate` and `npm run cost` read. test/foresight/published-synth.test.ts runs
// it through the cdk CLI, which hands it cdk.json's context.
import { createAiInfraApp } from '../../../lib/ai-infra-app';
import { foresightEnvironments } from '../../../scripts/foresight/synth-environments';

createAiInfraApp({ environments: foresightEnvironments('default') });
