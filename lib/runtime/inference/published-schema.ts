import Ajv, { JSONSchemaType, ValidateFunction } from 'ajv';

/** The JSON Schema dialect of the published schemas: ajv's default, draft-07. */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** A JSON Schema document as published: plain JSON, no ajv extension. */
export type PublishedSchema = Record<string, unknown>;

/**
 * The schema as published for producers and subscribers in any language: `typed` without
 * ajv's `nullable` (which JSONSchemaType requires on optional fields and which standard
 * validators would ignore while ajv would accept null), with its `$schema`. The agent and the
 * CLI validate with this same document, so the published file and the code cannot disagree.
 */
export function publishedSchema<T>(typed: JSONSchemaType<T>): PublishedSchema {
  return { $schema: JSON_SCHEMA_DIALECT, ...(withoutNullable(typed) as PublishedSchema) };
}

function withoutNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullable);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'nullable').map(([key, entry]) => [key, withoutNullable(entry)]));
}

/** An ajv validator of a published schema, reporting every problem. */
export function compileSchema<T>(schema: PublishedSchema): ValidateFunction<T> {
  return new Ajv({ allErrors: true }).compile<T>(schema);
}

/** ajv's errors as one line each (`/path message: detail`), without repeats. */
export function schemaProblems(errors: ValidateFunction['errors']): string[] {
  const problems = (errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? `: ${String(error.params.additionalProperty)}` : '';
    return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${extra}`;
  });
  return [...new Set(problems)];
}
