/** The error of a call that did not settle by its deadline. */
export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Runs `call` with an abort signal that fires after `timeoutMs`, or when `signal` aborts, and
 * settles by then even if `call` ignores its signal: no await on it can outlive the deadline.
 */
export function withDeadline<T>(what: string, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortReason(what, signal));
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const fail = (error: Error): void => {
      cleanUp();
      controller.abort(error);
      reject(error);
    };
    const onAbort = (): void => fail(abortReason(what, signal));
    const timer = setTimeout(() => fail(new DeadlineError(`${what} timed out after ${Math.round(timeoutMs)} ms`)), Math.max(0, timeoutMs));
    function cleanUp(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    call(controller.signal).then(
      (value) => { cleanUp(); resolve(value); },
      (error: unknown) => { cleanUp(); reject(error); },
    );
  });
}

function abortReason(what: string, signal?: AbortSignal): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error(`${what} aborted`);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
