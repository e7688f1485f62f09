import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnParameter, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { MODEL_PACKAGE_REFRESH_PARAMETER } from '../../lib/constructs/inference/registered-model';
import { EXIT_OK, EXIT_USAGE, runCommandLine } from '../../scripts/cli';
import { MODEL_PACKAGE_REFRESH_COMMAND_LINE, printRefreshArguments } from '../../scripts/model-package-refresh';

/** An assembly with a stage `dev` of two stacks, only the first of which serves a latest approved model. */
const outdir = mkdtempSync(join(tmpdir(), 'refresh-assembly-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = new App({ outdir });
const stage = new Stage(app, 'dev');
const serving = new Stack(stage, 'AiInference');
new CfnParameter(serving, MODEL_PACKAGE_REFRESH_PARAMETER, { type: 'String', default: 'first-deploy' });
new CfnResource(new Stack(stage, 'Cost'), 'Topic', { type: 'AWS::SNS::Topic' });
app.synth();

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommandLine(MODEL_PACKAGE_REFRESH_COMMAND_LINE, argv, { print: (l) => out.push(l), printError: (l) => err.push(l) },
    (args) => printRefreshArguments(args, (line) => out.push(line)));
  return { code, out, err };
}

test('prints one --parameters argument per stack that declares the parameter, with the value', async () => {
  expect(await run(['--env', 'dev', '--assembly', outdir, '--value', '9001-2'])).toEqual({
    code: EXIT_OK, out: [`--parameters=dev-AiInference:${MODEL_PACKAGE_REFRESH_PARAMETER}=9001-2`], err: [],
  });
});

test('--help prints the usage and reads nothing', async () => {
  const { code, out } = await run(['--help', '--assembly', join(outdir, 'missing')]);
  expect([code, out[0]]).toEqual([EXIT_OK, expect.stringMatching(/^usage: npx tsx scripts\/model-package-refresh\.ts --env <name> --value <text>/)]);
});

test.each([
  [['--value', '1'], /^model-package-refresh: --env is required/],
  [['--env', 'dev'], /^model-package-refresh: --value \(missing\) must be 1-128 letters, digits and \. _ : -/],
  [['--env', 'dev', '--value', 'a b'], /^model-package-refresh: --value \(a b\) must be/],
])('%j is a usage error on one line', async (argv, message) => {
  const { code, err } = await run(argv);
  expect([code, err]).toEqual([EXIT_USAGE, [expect.stringMatching(message)]]);
});

test('an environment the assembly does not hold fails, naming what it holds', async () => {
  const { code, err } = await run(['--env', 'prod', '--assembly', outdir, '--value', '1']);
  expect([code, err]).toEqual([1, [expect.stringMatching(/has no stage or stack "prod": it has dev/)]]);
});
