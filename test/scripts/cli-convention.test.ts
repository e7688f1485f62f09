import { BENCH_COMMAND_LINE, bench } from '../../scripts/bench';
import { CommandLine, CliOptions, EXIT_OK, EXIT_USAGE, ParsedCommandLine, runCommandLine } from '../../scripts/cli';
import { COMPLIANCE_COMMAND_LINE, writeComplianceReports } from '../../scripts/compliance';
import { DOCS_EXEMPTIONS_COMMAND_LINE, writeExemptionsDoc } from '../../scripts/control-tower-exemptions';
import { COST_COMMAND_LINE, cost } from '../../scripts/cost';
import { ENVIRONMENTS_COMMAND_LINE, printEnvironments } from '../../scripts/environments';
import { DOCS_COST_COMMAND_LINE, writeCostToTry } from '../../scripts/foresight/cost-to-try';
import { SCHEMAS_COMMAND_LINE, writeJobSchemas } from '../../scripts/job-schemas';
import { DOCS_FORESIGHT_COMMAND_LINE, writeForesightDocs } from '../../scripts/foresight/foresight-tables';
import { MODEL_PACKAGE_REFRESH_COMMAND_LINE, printRefreshArguments } from '../../scripts/model-package-refresh';
import { DOCS_NAG_COMMAND_LINE, writeAcknowledgementsDoc } from '../../scripts/nag-acknowledgements';
import { DOCS_QUOTAS_COMMAND_LINE, writeQuotaTable } from '../../scripts/preflight/quota-table';
import * as synthEnvironments from '../../scripts/foresight/synth-environments';
import { SIMULATE_COMMAND_LINE, simulate } from '../../scripts/simulate';

/**
 * The scripts whose command is a function of their parsed command line (jobs, smoke-check,
 * drift-check and preflight have their own tests of the same behaviour through their `run`).
 * The command itself never runs here: --help and usage errors stop before it.
 */
type Script = [string, CommandLine<CliOptions>, (args: ParsedCommandLine<CliOptions>) => number | Promise<number>];
const SCRIPTS: Script[] = [
  ['simulate', SIMULATE_COMMAND_LINE, simulate as Script[2]],
  ['cost', COST_COMMAND_LINE, cost as Script[2]],
  ['compliance', COMPLIANCE_COMMAND_LINE, writeComplianceReports as Script[2]],
  ['bench', BENCH_COMMAND_LINE, bench],
  ['docs:nag', DOCS_NAG_COMMAND_LINE, writeAcknowledgementsDoc],
  ['docs:exemptions', DOCS_EXEMPTIONS_COMMAND_LINE, writeExemptionsDoc],
  ['docs:foresight', DOCS_FORESIGHT_COMMAND_LINE, writeForesightDocs],
  ['docs:quotas', DOCS_QUOTAS_COMMAND_LINE, writeQuotaTable],
  ['docs:cost', DOCS_COST_COMMAND_LINE, writeCostToTry],
  ['schemas', SCHEMAS_COMMAND_LINE, writeJobSchemas],
  ['environments', ENVIRONMENTS_COMMAND_LINE, printEnvironments],
  ['model-package-refresh', MODEL_PACKAGE_REFRESH_COMMAND_LINE, (args) => printRefreshArguments(args as Parameters<typeof printRefreshArguments>[0])],
];

async function run([, cli, main]: Script, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const ran: boolean[] = [];
  const code = await runCommandLine(cli, argv, { print: (l) => out.push(l), printError: (l) => err.push(l) }, (args) => {
    ran.push(true);
    return main(args);
  });
  return { code, out, err, ran: ran.length > 0 };
}

describe.each(SCRIPTS.map((script) => [script[0], script] as const))('%s', (_name, script) => {
  test('--help prints its usage and exits 0, running nothing', async () => {
    const { code, out, err, ran } = await run(script, ['--help']);
    expect([code, err, ran]).toEqual([EXIT_OK, [], false]);
    expect(out[0]).toMatch(/^usage: /);
  });

  test('an unknown flag is a usage error: exit 2, one line, nothing run', async () => {
    const { code, err, ran } = await run(script, ['--no-such-flag']);
    expect([code, err, ran]).toEqual([EXIT_USAGE, [expect.stringMatching(/^[\w:-]+: Unknown option '--no-such-flag'.* \(see --help\)$/)], false]);
  });
});

describe('simulate and cost check their arguments before they synthesize', () => {
  test.each(SCRIPTS.filter(([name]) => name === 'simulate' || name === 'cost'))('%s: a --service no environment has is a usage error', async (_name, ...rest) => {
    const { code, err } = await run([_name, ...rest] as Script, ['--service', 'no-such-service']);
    expect([code, err]).toEqual([EXIT_USAGE, [expect.stringMatching(/^(simulate|cost): --service \(no-such-service\) is not a service of \S+: use one of .* \(see --help\)$/)]]);
  });

  test.each([['--workload', 'weekends'], ['--days', '0'], ['--env', 'no-such-env']])('simulate %s %s is a usage error', async (flag, value) => {
    const { code, err } = await run(SCRIPTS[0], [flag, value]);
    expect([code, err]).toEqual([EXIT_USAGE, [expect.stringMatching(/^simulate: .* \(see --help\)$/)]]);
  });
});

describe('cost checks its own flags before it synthesizes', () => {
  const COST = SCRIPTS[1];
  test.each([
    [['--diff', 'no-such-dir'], /^cost: --diff no-such-dir: no cloud assembly there \(no manifest\.json\): synthesize the base into it first \(see --help\)$/],
    [['--savings-plan-discount', '1.5'], /^cost: --savings-plan-discount \(1\.5\) must be a number from 0 to 1 \(see --help\)$/],
  ])('%j is a usage error', async (argv, message) => {
    const synth = jest.spyOn(synthEnvironments, 'synthForForesight');
    const { code, err } = await run(COST, argv);
    expect([code, err, synth.mock.calls.length]).toEqual([EXIT_USAGE, [expect.stringMatching(message)], 0]);
    synth.mockRestore();
  });
});

test('compliance takes at most one output directory: a second is a usage error in one line', async () => {
  const { code, err, ran } = await run(SCRIPTS[2], ['a', 'b']);
  expect([code, err, ran]).toEqual([EXIT_USAGE, ['compliance: unexpected argument "b" (see --help)'], false]);
});
