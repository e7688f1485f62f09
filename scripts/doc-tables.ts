/** What the generated docs (docs/nag-acknowledgements.md, docs/compliance.md's exemptions) share to build their tables. */
import { App, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The environment stage a construct is in, if any (the App itself is a stage, not an environment). */
export function environmentOf(construct: IConstruct): Stage | undefined {
  const stage = Stage.of(construct);
  return stage === undefined || App.isApp(stage) ? undefined : stage;
}

/** Names of the app's environments: its stages, in the order the app built them. */
export function environmentNamesOf(app: App): string[] {
  return app.node.children.filter(Stage.isStage).map((s) => s.stageName);
}

/** `items` grouped by `key`, groups in order of first appearance. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

/** Text for a table cell: no line breaks, `|` escaped. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** The environments a row holds in: `all` when every one of `allEnvironments`, `-` when none. */
export function environmentsCell(environments: readonly (string | undefined)[], allEnvironments: readonly string[]): string {
  const named = [...new Set(environments.filter((e): e is string => e !== undefined))];
  if (named.length === 0) return '-';
  return allEnvironments.every((e) => named.includes(e)) ? 'all' : named.join(', ');
}
