import * as childProcess from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_NODE_MAJOR, bundleAgent } from '../../../lib/constructs/inference/agent-bundling';

// esbuild runs for real; the mock only records its arguments.
jest.mock('node:child_process', () => {
  const actual = jest.requireActual('node:child_process');
  return { ...actual, spawnSync: jest.fn(actual.spawnSync) };
});

describe('bundleAgent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-bundling-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes one CommonJS file that carries its dependencies', () => {
    const outfile = join(dir, 'agent.js');
    bundleAgent(outfile);
    const bundle = readFileSync(outfile, 'utf8');
    expect(bundle).not.toMatch(/require\("@aws-sdk\/client-sqs"\)/);
    expect(bundle).toContain('ChangeMessageVisibility');
  });

  test('bundles AWS clients whose request timeout aborts the call instead of only logging', () => {
    const outfile = join(dir, 'agent-timeouts.js');
    bundleAgent(outfile);
    expect(readFileSync(outfile, 'utf8')).toMatch(/throwOnRequestTimeout: true/);
  });

  test('targets the Node.js major the instances install (node24)', () => {
    const spawn = jest.mocked(childProcess.spawnSync);
    spawn.mockClear();
    bundleAgent(join(dir, 'agent-target.js'));
    expect(spawn.mock.calls[0][1]).toContain(`--target=node${AGENT_NODE_MAJOR}`);
    expect(AGENT_NODE_MAJOR).toBe(24);
  });

  test('throws with esbuild\'s reason when it cannot write the bundle', () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    expect(() => bundleAgent(join(notADirectory, 'agent.js'))).toThrow(/esbuild could not bundle the queue agent: .+/);
  });
});
