import { globalTimeoutSeconds, launchOutcome, waitStateTimeoutSeconds } from '../../lib/foresight/lifecycle-hook';

/** https://docs.aws.amazon.com/autoscaling/ec2/userguide/completing-lifecycle-hooks.html and lifecycle-hooks.html */
describe('lifecycle hook timeouts, as AWS documents them', () => {
  test('"if the timeout period is one hour, and you call this command after 30 minutes, the instance remains in a wait state for an additional hour, or a total of 90 minutes"', () => {
    expect(waitStateTimeoutSeconds(3600, [1800])).toBe(5400);
  });

  test('without a heartbeat the wait state ends at the heartbeat timeout', () => {
    expect(waitStateTimeoutSeconds(300, [])).toBe(300);
  });

  test('a heartbeat after the timeout has no effect: the wait state has already ended', () => {
    expect(waitStateTimeoutSeconds(300, [400])).toBe(300);
  });

  test('"The global timeout is 48 hours or 100 times the heartbeat timeout, whichever is smaller"', () => {
    expect(globalTimeoutSeconds(300)).toBe(30_000);
    expect(globalTimeoutSeconds(7200)).toBe(172_800);
    const everyMinute = Array.from({ length: 1000 }, (_, k) => (k + 1) * 60);
    expect(waitStateTimeoutSeconds(300, everyMinute)).toBe(30_000);
  });
});

describe('launchOutcome with the fleet\'s boot (heartbeat every 60 s, budget 1800 s, hook 300 s ABANDON)', () => {
  const hook = { heartbeatTimeoutSeconds: 300, defaultResult: 'ABANDON' as const };
  const boot = { intervalSeconds: 60, budgetSeconds: 1800 };

  test('a boot longer than the hook timeout but within its budget goes InService: its heartbeats keep the hook alive', () => {
    expect(launchOutcome(hook, boot, 900)).toEqual({ result: 'InService', atSeconds: 900 });
  });

  test('a boot past its budget abandons the launch at the budget', () => {
    expect(launchOutcome(hook, boot, 2400)).toEqual({ result: 'Abandoned', atSeconds: 1800 });
  });

  test('without heartbeats, a boot longer than the timeout is abandoned at the timeout', () => {
    expect(launchOutcome(hook, undefined, 400)).toEqual({ result: 'Abandoned', atSeconds: 300 });
  });

  test('a hook that CONTINUEs at its timeout puts the instance in service; it serves once booted', () => {
    expect(launchOutcome({ ...hook, defaultResult: 'CONTINUE' }, undefined, 400)).toEqual({ result: 'InService', atSeconds: 400 });
  });

  test('heartbeats further apart than the timeout do not keep it alive', () => {
    expect(launchOutcome(hook, { intervalSeconds: 400, budgetSeconds: 1800 }, 900)).toEqual({ result: 'Abandoned', atSeconds: 300 });
  });

  test('no hook: InService when the boot is done', () => {
    expect(launchOutcome(undefined, undefined, 900)).toEqual({ result: 'InService', atSeconds: 900 });
  });
});
