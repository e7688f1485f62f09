import * as fs from 'node:fs';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { runBootScript } from '../../../lib/constructs/training/boot-script';

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof fs>('node:fs');
  return { ...actual, readFileSync: jest.fn(actual.readFileSync) };
});

describe('runBootScript', () => {

  test('writes the script in a quoted heredoc and starts it with its environment shell-quoted', () => {
    const userData = ec2.UserData.forLinux();
    runBootScript(userData, 'gpu-utilization-metric', { NAME: "it's" }, { restartAlways: true });
    const commands = userData.render().split('\n');
    expect(commands).toContain("cat > /opt/ai-infra/gpu-utilization-metric.sh <<'AI_INFRA_SCRIPT_END'");
    expect(commands).toContain(
      "systemd-run --unit=gpu-utilization-metric --property=Restart=always --property=RestartSec=10 --setenv=NAME='it'\\''s' /opt/ai-infra/gpu-utilization-metric.sh",
    );
  });

  test('rejects a script that contains the heredoc delimiter', () => {
    jest.mocked(fs.readFileSync).mockReturnValueOnce('echo one\nAI_INFRA_SCRIPT_END\necho two\n');
    expect(() => runBootScript(ec2.UserData.forLinux(), 'train-with-checkpoints', {}, { restartAlways: false })).toThrow(
      /lib\/runtime\/training\/train-with-checkpoints\.sh contains the heredoc delimiter AI_INFRA_SCRIPT_END: rename it in boot-script\.ts/,
    );
  });
});
