import { BootHeartbeatsModel, LaunchHookModel } from './fleet-model';

/**
 * Auto Scaling's global timeout of a wait state: "48 hours or 100 times the heartbeat timeout,
 * whichever is smaller" (AWS_DOCS.lifecycleHooks).
 */
export function globalTimeoutSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.min(48 * 3600, 100 * heartbeatTimeoutSeconds);
}

/**
 * When a wait state ends by timeout, from its start, given the heartbeats recorded (seconds from
 * the start): each heartbeat "restarts the timeout period", up to the global timeout
 * (AWS_DOCS.completingLifecycleHooks: with a one-hour timeout and a heartbeat after 30 minutes,
 * the instance waits "a total of 90 minutes").
 */
export function waitStateTimeoutSeconds(heartbeatTimeoutSeconds: number, heartbeatsAt: readonly number[]): number {
  let deadline = heartbeatTimeoutSeconds;
  for (const at of [...heartbeatsAt].sort((a, b) => a - b)) {
    if (at >= deadline) break;
    deadline = at + heartbeatTimeoutSeconds;
  }
  return Math.min(deadline, globalTimeoutSeconds(heartbeatTimeoutSeconds));
}

/** How a launch ends: InService, or abandoned (terminated and replaced by the group). */
export interface LaunchOutcome {
  readonly result: 'InService' | 'Abandoned';
  /** Seconds from the launch. */
  readonly atSeconds: number;
}

/**
 * The outcome of a launch whose boot takes `bootSeconds` to complete the launch hook. Without a
 * hook the instance goes InService when its boot is done. With one, the wait state ends at the
 * first of: the boot completing it (CONTINUE); the boot abandoning it at its budget; the hook
 * timing out, the boot's heartbeats (every `intervalSeconds` while it runs) restarting the timeout
 * (`waitStateTimeoutSeconds`), with the hook's default result. ABANDON terminates the instance
 * and the group launches a replacement (AWS_DOCS.lifecycleHooks).
 */
export function launchOutcome(hook: LaunchHookModel | undefined, boot: BootHeartbeatsModel | undefined, bootSeconds: number): LaunchOutcome {
  if (!hook) return { result: 'InService', atSeconds: bootSeconds };
  const runsUntil = boot ? Math.min(bootSeconds, boot.budgetSeconds) : bootSeconds;
  const heartbeats: number[] = [];
  if (boot) for (let at = boot.intervalSeconds; at < runsUntil; at += boot.intervalSeconds) heartbeats.push(at);
  const timeout = waitStateTimeoutSeconds(hook.heartbeatTimeoutSeconds, heartbeats);
  // The boot's own end first: at a tie it completes the hook before the timeout.
  const ends: LaunchOutcome[] = [
    boot && bootSeconds > boot.budgetSeconds
      ? { result: 'Abandoned', atSeconds: boot.budgetSeconds }
      : { result: 'InService', atSeconds: bootSeconds },
    { result: hook.defaultResult === 'CONTINUE' ? 'InService' : 'Abandoned', atSeconds: timeout },
  ];
  const first = ends.reduce((a, b) => (b.atSeconds < a.atSeconds ? b : a));
  // A CONTINUE at the timeout puts the instance in service; it serves once its boot is done.
  return first.result === 'InService' ? { result: 'InService', atSeconds: Math.max(first.atSeconds, bootSeconds) } : first;
}
