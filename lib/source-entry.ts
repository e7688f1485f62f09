import { existsSync } from 'node:fs';

/**
 * The entry point `<path>.ts` of a bundled runtime (the agent, a Lambda handler), or `<path>.js`
 * once compiled: `npm run build` emits the library into dist/ without its TypeScript sources.
 */
export function sourceEntry(pathWithoutExtension: string): string {
  const source = `${pathWithoutExtension}.ts`;
  return existsSync(source) ? source : `${pathWithoutExtension}.js`;
}
