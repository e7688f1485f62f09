import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { jobSchemaFiles } from '../../scripts/job-schemas';

const ROOT = join(__dirname, '..', '..');

describe('published job schemas', () => {
  test.each(Object.keys(jobSchemaFiles()))('%s is the schema the code validates with (npm run schemas regenerates it)', (path) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(jobSchemaFiles()[path]);
  });

  test.each(Object.keys(jobSchemaFiles()))('%s is a valid draft-07 JSON Schema without ajv extensions', (path) => {
    const content = jobSchemaFiles()[path];
    expect(new Ajv().validateSchema(JSON.parse(content))).toBe(true);
    expect(content).not.toContain('"nullable"');
  });

  test('the package publishes the schemas and the Python example', () => {
    const files = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
    expect(files).toEqual(expect.arrayContaining(['schemas', 'examples']));
  });

  test('the Python example of submit and wait compiles', () => {
    const cache = mkdtempSync(join(tmpdir(), 'pycache-'));
    try {
      const compiled = spawnSync('python3', ['-m', 'py_compile', join(ROOT, 'examples', 'python', 'submit_and_wait.py')], {
        encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
      });
      expect(compiled.stderr).toBe('');
      expect(compiled.status).toBe(0);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
