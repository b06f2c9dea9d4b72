import { createWxPlatform } from '../../src/platform/wx';
import { createTrackerWith, type FullTracker } from '../../src/tracker';
import type { Options } from '../../src/types';
import { createRuntime, type Runtime, type RuntimeOptions, type SimProcess } from '../sim';
import { startCollector, type Collector, type Reply } from '../support/collector';

export interface Session {
  rt: Runtime;
  collector: Collector;
  /** The live process and the tracker running in it. */
  proc: SimProcess;
  tracker: FullTracker;
  /** Kills the live process (its timers and sockets go dead) and boots a fresh one with a new tracker on the same storage. */
  restart(): FullTracker;
  dispose(): Promise<void>;
}

/** A simulated phone with the SDK initialised against a loopback collector. */
export async function startSession(options: Partial<Options> = {}, rtOptions: RuntimeOptions = {}, responder?: (req: { body: unknown; index: number }) => Reply): Promise<Session> {
  const collector = await startCollector(responder ? { responder } : {});
  const rt = createRuntime({ printErrors: false, suspendAfterHideMs: null, ...rtOptions });
  const boot = () => {
    const proc = rt.start();
    proc.launch();
    const tracker = createTrackerWith(createWxPlatform);
    tracker.init({ serverUrl: collector.url, ...options });
    return { proc, tracker };
  };
  const s: Session = {
    rt,
    collector,
    ...boot(),
    restart() {
      const next = boot();
      s.proc = next.proc;
      s.tracker = next.tracker;
      return next.tracker;
    },
    async dispose() {
      rt.dispose();
      await collector.close();
    },
  };
  return s;
}

export const seqsOf = (events: Record<string, unknown>[]) => events.map((e) => e.seq as number);
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
