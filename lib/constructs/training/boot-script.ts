import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { shellQuote } from '../../runtime/shell-quote';

/** Directory of the instance scripts shipped with this library. */
const SCRIPT_DIR = join(__dirname, '..', '..', 'runtime', 'training');
const INSTALL_DIR = '/opt/ai-infra';
const HEREDOC_END = 'AI_INFRA_SCRIPT_END';

/**
 * Adds commands to `userData` that write the library's script `lib/runtime/training/{name}.sh`
 * to `/opt/ai-infra/` and start it as a transient systemd service named `name`, with
 * `environment` (values may be tokens, e.g. a bucket name) in its environment.
 */
export function runBootScript(
  userData: ec2.UserData,
  name: string,
  environment: Readonly<Record<string, string>>,
  options: { readonly restartAlways: boolean },
): void {
  const body = readFileSync(join(SCRIPT_DIR, `${name}.sh`), 'utf8');
  if (body.includes(HEREDOC_END)) {
    throw new Error(`lib/runtime/training/${name}.sh contains the heredoc delimiter ${HEREDOC_END}: rename it in boot-script.ts`);
  }
  const path = `${INSTALL_DIR}/${name}.sh`;
  const setenv = Object.entries(environment).map(([key, value]) => `--setenv=${key}=${shellQuote(value)}`);
  userData.addCommands(
    `mkdir -p ${INSTALL_DIR}`,
    `cat > ${path} <<'${HEREDOC_END}'\n${body.trimEnd()}\n${HEREDOC_END}`,
    `chmod 755 ${path}`,
    [
      `systemd-run --unit=${name}`,
      ...(options.restartAlways ? ['--property=Restart=always', '--property=RestartSec=10'] : []),
      ...setenv,
      path,
    ].join(' '),
  );
}
