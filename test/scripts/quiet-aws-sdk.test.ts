import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPTS = join(__dirname, '../../scripts');
const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The script directories with a main.ts and a file that imports an AWS SDK client. */
function awsScripts(): string[] {
  return readdirSync(SCRIPTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(SCRIPTS, entry.name)).includes('main.ts'))
    .map((entry) => entry.name)
    .filter((dir) => readdirSync(join(SCRIPTS, dir)).some((file) => file.endsWith('.ts') && readFileSync(join(SCRIPTS, dir, file), 'utf8').includes('\'@aws-sdk/')));
}

/** Whether the SDK's own check of the Node.js version warns, for `version`, in a fresh copy of the SDK, after `before` ran. */
function sdkWarns(version: string, before: () => void): boolean {
  const warnings: string[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation((warning) => { warnings.push(String(warning)); });
  try {
    jest.isolateModules(() => {
      before();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('@aws-sdk/core/client') as { emitWarningIfUnsupportedVersion: (v: string) => void }).emitWarningIfUnsupportedVersion(version);
    });
  } finally {
    spy.mockRestore();
  }
  return warnings.some((w) => w.includes('NodeVersionSupportWarning'));
}

describe('the AWS SDK\'s Node.js version notice', () => {
  const saved = process.env[SWITCH];
  beforeEach(() => { delete process.env[SWITCH]; });
  afterEach(() => {
    if (saved === undefined) delete process.env[SWITCH];
    else process.env[SWITCH] = saved;
  });

  test('the SDK prints it on Node.js 20 by itself', () => {
    expect(sdkWarns('v20.20.2', () => undefined)).toBe(true);
  });

  test('scripts/quiet-aws-sdk.ts turns it off through the SDK\'s switch', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(sdkWarns('v20.20.2', () => require('../../scripts/quiet-aws-sdk'))).toBe(false);
  });

  test('a value the user set is kept', () => {
    process.env[SWITCH] = 'false';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require('../../scripts/quiet-aws-sdk'));
    expect(process.env[SWITCH]).toBe('false');
  });
});

describe('every script that calls AWS', () => {
  const scripts = awsScripts();

  test('is found: jobs, train, preflight, smoke-check and drift-check at least', () => {
    expect(scripts).toEqual(expect.arrayContaining(['jobs', 'train', 'preflight', 'smoke-check', 'drift-check']));
  });

  test.each(scripts)('%s imports scripts/quiet-aws-sdk.ts before anything else', (dir) => {
    const firstImport = readFileSync(join(SCRIPTS, dir, 'main.ts'), 'utf8').split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toBe('import \'../quiet-aws-sdk\';');
  });
});
