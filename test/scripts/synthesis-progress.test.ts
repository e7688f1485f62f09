import { ENVIRONMENTS } from '../../lib/config';
import { CommandLine, CliOptions, EXIT_FAILED, ParsedCommandLine, runCommandLine } from '../../scripts/cli';
import { COST_COMMAND_LINE, cost } from '../../scripts/cost';
import { SIMULATE_COMMAND_LINE, simulate } from '../../scripts/simulate';

/** What happened, in order: lines on stderr and synthesis starts. */
const mockEvents: string[] = [];

// Synthesis is replaced by a recording that returns no assembly (the command then fails on it),
// or stops a synthesis of the step policy: only what comes before each synthesis matters.
jest.mock('../../scripts/foresight/synth-environments', () => ({
  ...jest.requireActual('../../scripts/foresight/synth-environments'),
  synthForForesight: (names: string[], variant: string) => {
    mockEvents.push(`synthesis of ${names.join(',')} (${variant})`);
    if (variant === 'step') throw new Error('synthesis stopped by the test');
    return {};
  },
}));

type Command = [string, CommandLine<CliOptions>, (args: ParsedCommandLine<CliOptions>) => number];
const COMMANDS: Command[] = [
  ['simulate', SIMULATE_COMMAND_LINE, simulate as Command[2]],
  ['cost', COST_COMMAND_LINE, cost as Command[2]],
];

describe.each(COMMANDS)('%s', (name, cli, main) => {
  const names = ENVIRONMENTS.map((c) => c.name);
  let spy: jest.SpyInstance;
  beforeEach(() => {
    mockEvents.length = 0;
    spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => { mockEvents.push(String(line)); });
  });
  afterEach(() => spy.mockRestore());

  test('says on stderr which environments it synthesizes before the synthesis starts', async () => {
    const code = await runCommandLine(cli, [], { print: () => undefined, printError: (line) => mockEvents.push(line) }, main);
    expect(code).toBe(EXIT_FAILED);
    expect(mockEvents.slice(0, 2)).toEqual([`${name}: synthesizing ${names.join(', ')}...`, `synthesis of ${names.join(',')} (default)`]);
  });
});

test('simulate --compare step says so before the synthesis with the seed\'s policy', async () => {
  const [first] = ENVIRONMENTS.map((c) => c.name);
  const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => { mockEvents.push(String(line)); });
  mockEvents.length = 0;
  await runCommandLine(SIMULATE_COMMAND_LINE, ['--env', first, '--compare', 'step'], { print: () => undefined, printError: () => undefined }, simulate as Command[2]);
  spy.mockRestore();
  expect(mockEvents).toEqual([
    `simulate: synthesizing ${first}...`, `synthesis of ${first} (default)`,
    `simulate: synthesizing ${first} with the seed's step policy...`, `synthesis of ${first} (step)`,
  ]);
});
