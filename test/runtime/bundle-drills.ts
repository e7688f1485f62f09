import { AgentBundle, AgentWorld } from './agent-world';

/**
 * How long a drill waits for what it expects: generous, since a loaded machine slows the
 * agent's start and every call; a drill that passes only waits as long as the agent needs.
 */
export const DRILL_WAIT_MS = 45_000;

/** Drills of the shipped agent bundle, each in a fresh world of its own, run a few at a time. */
export interface BundleDrills {
  /** Declares one drill (`drill: <name>`), given its world. */
  drill(name: string, body: (world: AgentWorld) => Promise<void>, timeoutMs?: number): void;
  /** The bundle, built on first use: concurrent drills can start before a beforeAll hook has run. */
  bundle(): AgentBundle;
  /** Drains the agent through the group's termination and waits for it to exit. */
  terminate(world: AgentWorld, exited: Promise<number | null>): Promise<number | null>;
}

/**
 * Drills of the bundled agent, run as systemd runs it. They mostly wait on timers, so they run
 * concurrently, `slots` at a time (an agent's start is CPU-bound); their assertions on time are
 * bounds that load can only make easier to meet.
 */
export function bundleDrills(slots = 3): BundleDrills {
  let built: AgentBundle | undefined;
  afterAll(() => built?.dispose());
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    bundle: () => (built ??= AgentBundle.build()),
    terminate(world, exited) {
      world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
      return exited;
    },
    drill(name, body, timeoutMs = 2 * DRILL_WAIT_MS) {
      test.concurrent(`drill: ${name}`, async () => {
        // A finished drill hands its slot straight to the next one waiting.
        if (running < slots) running += 1;
        else await new Promise<void>((resolve) => waiting.push(resolve));
        const world = await AgentWorld.start();
        try {
          await body(world);
        } finally {
          await world.close();
          const next = waiting.shift();
          if (next) next();
          else running -= 1;
        }
      }, timeoutMs);
    },
  };
}
