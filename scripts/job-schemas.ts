/**
 * Writes the JSON Schema files of the job contract, published in the package under schemas/:
 * the job envelope producers send and the notification the topics carry. Both are generated
 * from the schemas the agent validates with (lib/runtime/inference), the one source;
 * test/runtime/job-schemas.test.ts fails while a committed file differs.
 *
 *   npm run schemas
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_ENVELOPE_SCHEMA } from '../lib/runtime/inference/job-envelope';
import { JOB_NOTIFICATION_SCHEMA } from '../lib/runtime/inference/job-notification';
import { EXIT_OK, runMain } from './cli';

/** The published schema files, by path from the repository root, with their content. */
export function jobSchemaFiles(): Record<string, string> {
  return {
    'schemas/job-envelope.schema.json': `${JSON.stringify(JOB_ENVELOPE_SCHEMA, undefined, 2)}\n`,
    'schemas/job-notification.schema.json': `${JSON.stringify(JOB_NOTIFICATION_SCHEMA, undefined, 2)}\n`,
  };
}

/** The command line: its name, usage and flags. */
export const SCHEMAS_COMMAND_LINE = {
  name: 'schemas',
  usage: 'usage: npm run schemas\n  Rewrites schemas/*.schema.json, the job contract\'s published JSON Schemas, from the schemas the agent validates with.',
  options: {},
} as const;

/** The command; returns the exit code. */
export function writeJobSchemas(): number {
  for (const [path, content] of Object.entries(jobSchemaFiles())) {
    writeFileSync(join(__dirname, '..', path), content);
    console.log(`wrote ${path}`);
  }
  return EXIT_OK;
}

if (require.main === module) runMain(SCHEMAS_COMMAND_LINE, writeJobSchemas);
