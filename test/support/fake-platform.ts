import type { HttpResult, Platform } from '../../src/platform/types';
import type { Batch, BatchContext } from '../../src/types';

export interface FakeRequest {
  body: Batch;
  raw: string;
  headers: Record<string, string>;
  respond(result: HttpResult): void;
}

/**
 * An in-memory Platform for transport logic tests under fake timers: storage is a Map with
 * counters, and every POST waits in `pending` until the test (or `autoRespond`) answers it.
 */
export function createFakePlatform(opts: { storage?: Map<string, string>; page?: string } = {}) {
  const storage = opts.storage ?? new Map<string, string>();
  const pending: FakeRequest[] = [];
  const sent: FakeRequest[] = [];
  const delivered: Batch['events'] = [];
  const networkListeners: ((online: boolean, type: string) => void)[] = [];
  const showListeners: (() => void)[] = [];
  const hideListeners: (() => void)[] = [];
  const state = {
    writes: 0,
    bytesWritten: 0,
    reads: 0,
    removes: 0,
    failWrites: 0,
    autoRespond: undefined as undefined | ((req: FakeRequest) => HttpResult | undefined),
    page: opts.page as string | undefined,
  };
  const context: BatchContext = { lib: 'wetrack', libVersion: 'test', appId: 'wx123', brand: 'sim', model: 'sim-1' };

  const platform: Platform = {
    read(key) {
      state.reads++;
      return storage.get(key);
    },
    write(key, value) {
      if (state.failWrites > 0) {
        state.failWrites--;
        return 'setStorageSync:fail exceed storage max size 10MB';
      }
      state.writes++;
      state.bytesWritten += Buffer.byteLength(key) + Buffer.byteLength(value);
      storage.set(key, value);
    },
    remove(key) {
      state.removes++;
      storage.delete(key);
    },
    post(_url, raw, headers, _timeout, done) {
      let answered = false;
      const req: FakeRequest = {
        body: JSON.parse(raw) as Batch,
        raw,
        headers,
        respond(result) {
          if (answered) throw new Error('answered twice');
          answered = true;
          pending.splice(pending.indexOf(req), 1);
          if (result.status >= 200 && result.status < 300) delivered.push(...req.body.events);
          done(result);
        },
      };
      sent.push(req);
      pending.push(req);
      const auto = state.autoRespond?.(req);
      if (auto) queueMicrotask(() => req.respond(auto));
    },
    context: () => ({ ...context }),
    page: () => state.page,
    onNetwork: (l) => void networkListeners.push(l),
    onAppShow: (l) => void showListeners.push(l),
    onAppHide: (l) => void hideListeners.push(l),
  };

  return {
    platform,
    storage,
    state,
    pending,
    sent,
    setNetwork: (online: boolean) => networkListeners.forEach((l) => l(online, online ? 'wifi' : 'none')),
    hide: () => hideListeners.forEach((l) => l()),
    show: () => showListeners.forEach((l) => l()),
    /** Events of every batch that was answered 2xx, in order. */
    delivered,
  };
}
