import { loadIdentity, newIdentity, type Identity } from './identity';
import { randomId } from './id';
import { createLogger, str, type Logger } from './log';
import { createMasker, type Masker } from './mask';
import { resolveOptions, type Resolved } from './options';
import type { Shared } from './platform/launch';
import type { Platform } from './platform/types';
import { sanitize } from './sanitize';
import { newStages, runPlugin, runTimeline } from './timeline';
import { createDelivery, type Delivery } from './transport/delivery';
import { createQueue, json, type Queue } from './transport/queue';
import type { Consent, EventMap, Plugin, Properties, Tracker, TrackedEvent, UserPropertyOptions } from './types';

const NAME = /^[^\x00-\x1f]{1,100}$/;
const MAX_BUFFERED = 1000;

/** What the auto-capture and exposure modules see of a tracker, beyond the public API. */
export interface TrackerInternals {
  platform?: Platform;
  resolved?: Resolved;
  log: Logger;
  /** True when this install had no stored identity at init. */
  firstLaunch?: boolean;
  /**
   * The add-ons (auto-capture, then exposure), each started once by init, in this order, after the
   * calls made before init were replayed. Exposure reads what auto-capture's start decided (cap.on),
   * so the order is the order index.ts adds them in.
   */
  addOns: AddOn[];
  /** The session id: a new one after sessionTimeoutMs in the background. */
  session?: string;
  /** Runs public method `k` as if called at `time`: how calls made before init, here or in another copy, are replayed. */
  at?: (time: number, k: string, args: unknown[]) => unknown;
}

/** Starts an add-on when the tracker starts: reads `resolved`, registers its listeners on `platform`. */
export type AddOn = () => void;

export type FullTracker<E extends EventMap = EventMap> = Tracker<E> & { readonly internals: TrackerInternals };

/**
 * `slot` is given to the package's default instance only: the process's slot (platform/launch) in
 * which the default instances of every copy of the package (an independent subpackage has its own)
 * become one tracker, the first one started.
 */
export function createTrackerWith<E extends EventMap = EventMap>(makePlatform: () => Platform, slot?: Shared): FullTracker<E> {
  let opts: Resolved | undefined;
  let platform: Platform;
  let queue: Queue;
  let delivery: Delivery;
  let mask: Masker;
  let id: Identity;
  let consent: Consent;
  let hiddenAt = 0;
  let stamp: number | undefined;
  let held: TrackedEvent[] = [];
  // Calls made before init (method, time, arguments), replayed in order at their time; null once initialised.
  let buffered: [string, number, unknown[]][] | null = [];
  // No prototype: an event named 'constructor' or 'toString' has no timer unless time() made one.
  const timers: { [name: string]: number } = Object.create(null);
  const plugins = newStages();
  // Event ids: a random 129-bit prefix per process and a base-36 counter; unique like random ids, and cheap.
  const idPrefix = randomId();
  let idCount = 0;
  const log = createLogger(() => opts && opts.debug);
  const internals: TrackerInternals = { log, addOns: [] };

  /** One warning shape for bad input: the call, the field and what came. */
  const bad = (call: string, field: string, value: unknown) => log.warn(call + ': invalid ' + field + ': ' + str(value));

  /** True (after a warning) when `name` is not an event name. */
  const badName = (call: string, name: unknown) => {
    const wrong = !(typeof name == 'string' && NAME.test(name));
    if (wrong) bad(call, 'event name', name);
    return wrong;
  };

  const clean = (input: unknown, where?: string): Properties => {
    const notes: string[] = [];
    const out = sanitize(input, mask, (path, what) => notes.push('properties' + (path && '.' + path) + ' ' + what));
    if (notes.length && where) log.warn(where + ': ' + notes.join('; '));
    return out;
  };

  const saveIdentity = () => {
    if (consent == 'granted') platform.write(opts!.name + '_id', JSON.stringify(id));
  };

  const enqueue = (e: TrackedEvent) => {
    const entry = queue.add(e);
    // Serialised before destination plugins see the event, so none can change what is stored.
    if (plugins.destination.length) json(entry);
    for (const p of plugins.destination) runPlugin(p, e, log);
    delivery.added();
  };

  /** Granted releases held events; denied forgets everything stored; only granted sends. */
  const applyConsent = (given: Consent) => {
    consent = given;
    const release = held;
    held = [];
    if (given == 'granted') {
      saveIdentity();
      release.forEach(enqueue);
    }
    if (given == 'denied') {
      queue.clear();
      platform.remove(opts!.name + '_id');
    }
    delivery.pause(given != 'granted');
  };

  const track = (name: string, props?: unknown) => {
    if (!badName('track', name)) record(name, clean(props, 'track("' + name + '")'));
  };

  /** An event with clean properties, through plugins and consent to the queue. */
  const record = (name: string, props: Properties) => {
    const time = stamp || Date.now();
    if (consent == 'denied') return;
    const properties = Object.assign({}, id.p, props);
    if (timers[name]) {
      properties.duration_ms = Math.max(0, time - timers[name]);
      delete timers[name];
    }
    // userId and page stay undefined when unknown, and JSON leaves them out.
    const chain = plugins.before.concat(plugins.enrichment);
    let event = runTimeline(chain, { id: idPrefix + (idCount++).toString(36), name: mask.text(name), time, anonymousId: id.a, userId: id.u, sessionId: internals.session!, page: platform.page(), properties }, log);
    if (event && opts!.beforeSend) event = opts!.beforeSend(event);
    if (!event) return;
    if (chain.length || opts!.beforeSend) {
      // What plugins and beforeSend return is copied, made JSON-safe and masked as a whole: a fresh
      // object each time, so one returned twice or changed later cannot touch what is queued.
      const copy = clean(event) as unknown as TrackedEvent;
      if (typeof copy.name != 'string' || !copy.properties) return bad(name, 'event from a plugin', event);
      event = copy;
    }
    log.debug(name, event);
    if (consent == 'granted') return enqueue(event);
    // Pending: held for the answer. Past maxQueueEvents the oldest go, as in the queue: counted, their
    // seqs skipped. Without this block the queue would drop the same oldest events, counted, at the
    // grant: it only bounds the memory held while pending, which no output shows.
    // Stryker disable next-line BlockStatement: memory only (above)
    if (held.push(event) > opts!.maxQueueEvents) {
      held.shift();
      queue.skip();
    }
  };

  /**
   * Another copy's default instance runs in this process: this one becomes it (its methods, wrappers,
   * and its buffered calls at their time), so one tracker owns the storage and nothing is counted twice.
   */
  const follow = (to: FullTracker) => {
    // Also for a method the host kept before (const { track } = wetrack).
    internals.at = to.internals.at;
    Object.assign(tracker, to);
    replay();
  };

  /** The calls made before init, in order, at their time: here, or in the tracker followed. */
  const replay = () => {
    const calls = buffered!;
    buffered = null;
    for (const [k, time, args] of calls) internals.at!(time, k, args);
  };

  const init = (options: unknown) => {
    if (opts || !buffered) return log.warn('init: already done; ignored');
    if (slot && slot.t) return follow(slot.t as FullTracker);
    const resolved = resolveOptions(options, log);
    if (!resolved) return;
    platform = internals.platform = makePlatform();
    mask = createMasker(resolved.mask);
    const loaded = loadIdentity(platform, resolved.name + '_id');
    id = loaded || newIdentity();
    internals.firstLaunch = !loaded;
    internals.session = randomId();
    queue = createQueue(platform, resolved.name, resolved.maxQueueEvents, log);
    delivery = createDelivery(
      platform,
      queue,
      resolved,
      () => Object.assign(platform.context(), resolved.appVersion && { appVersion: resolved.appVersion }),
      log,
    );
    // Only now, with every part built: an init that failed above leaves the tracker unstarted, not half-started.
    opts = internals.resolved = resolved;
    applyConsent(resolved.consent);
    platform.onNetwork(delivery.online);
    platform.onAppShow(
      guard('app show', () => {
        // A long stay in the background ends the session.
        if (hiddenAt && Date.now() - hiddenAt > resolved.sessionTimeoutMs) internals.session = randomId();
        hiddenAt = 0;
      }),
    );
    replay();
    internals.addOns.forEach((start) => guard('init', start)());
    // The listener-order rule: the core's app-show listener is registered before the add-ons start
    // (they read the session it renews), its app-hide listener after them (listeners run in the order
    // added), so the events they track on hide ($app_hide) are in the queue when it is written and
    // sent, before timers may freeze.
    platform.onAppHide(
      guard('app hide', () => {
        hiddenAt = Date.now();
        if (consent == 'granted') delivery.hide();
      }),
    );
    // What an earlier process left goes within the interval (at once if a full request waits), never
    // inside init: init reads the queue's small head only.
    delivery.added();
    // The process's default tracker now: copies started later, or waiting, hand their calls to it.
    if (slot) {
      slot.t = tracker;
      slot.w.forEach((f) => f());
    }
  };

  /** Nothing an SDK method does may throw into the host. */
  function guard<A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback?: R) {
    return (...args: A): R => {
      try {
        return fn(...args);
      } catch (e) {
        log.warn(name + ' failed: ' + str(e));
        return fallback as R;
      } finally {
        stamp = undefined;
      }
    };
  }

  const methods = {
    track,
    identify(userId: unknown, traits?: unknown) {
      if (!(typeof userId == 'string' ? /^.{1,255}$/.test(userId) : Number.isFinite(userId)))
        return bad('identify', 'userId', userId);
      id.u = String(userId);
      saveIdentity();
      if (traits !== undefined) record('$set', clean(traits, 'identify'));
    },
    reset() {
      id = newIdentity();
      saveIdentity();
    },
    register(props: unknown) {
      Object.assign(id.p, clean(props, 'register'));
      saveIdentity();
    },
    unregister(key: unknown) {
      if (typeof key != 'string') return bad('unregister', 'key', key);
      delete id.p[key];
      saveIdentity();
    },
    setUserProperties(props: unknown, o?: UserPropertyOptions) {
      const p = clean(props, 'setUserProperties');
      if (Object.keys(p).length) record(o && o.once ? '$set_once' : '$set', p);
    },
    time(name: string) {
      if (!badName('time', name)) timers[name] = stamp || Date.now();
    },
    setConsent(c: unknown) {
      if (c !== 'granted' && c !== 'denied') return bad('setConsent', 'consent', c);
      applyConsent(c);
    },
    use(plugin: unknown) {
      const p = plugin as Plugin;
      const stage = p && typeof p.execute == 'function' && plugins[p.type];
      if (!stage) return bad('use', 'plugin', p);
      stage.push(p);
      if (p.setup) p.setup(tracker);
    },
    flush(done: () => void) {
      // Settles in every case: nothing to send, consent not granted, or an SDK fault.
      // Three mutants of this line survive as equivalent (TESTING.md): `consent == 'granted'` forced
      // true, because without consent delivery is paused and its flush settles at once, writing
      // nothing; and the guard's name 'flush' emptied or its fallback `false` made true, because
      // delivery.flush() catches its own faults, so this guard never warns nor falls back. (A Stryker
      // disable here would also ignore the killed mutants of the same kinds on this line.)
      const sending = guard('flush', () => consent == 'granted' && !!delivery.flush().then(done, done), false)();
      if (!sending) done();
    },
  };
  const fns: { [k: string]: (...a: unknown[]) => unknown } = {};
  internals.at = (time, k, args) => {
    stamp = time;
    return fns[k](...args);
  };

  /** Every public method: at once when started (here, or in the tracker this one follows), else into the buffer. */
  const call = (k: string, args: unknown[]): unknown => {
    if (!buffered) return internals.at!(Date.now(), k, args);
    if (slot && slot.t) {
      follow(slot.t as FullTracker);
      return call(k, args);
    }
    // Waits for the first default instance started, here or in another copy.
    if (slot && !buffered.length) slot.w.push(() => buffered && follow(slot.t as FullTracker));
    if (buffered.length < MAX_BUFFERED) buffered.push([k, Date.now(), args]);
    else {
      log.once(
        // Stryker disable next-line StringLiteral: the key only keeps this warning apart from log.once's others, none of them ''
        'buffer',
        k + ': init not called; dropped',
      );
    }
  };

  const tracker = {
    internals,
    init: guard('init', (o: unknown) => {
      init(o);
      return tracker;
    }),
    getAnonymousId: () => (id ? id.a : ''),
  } as unknown as FullTracker<E>;
  for (const k in methods) {
    fns[k] = guard(k, methods[k as keyof typeof methods] as (...a: unknown[]) => void);
    (tracker as unknown as { [k: string]: unknown })[k] = (...args: unknown[]) => call(k, args);
  }
  tracker.flush = () => new Promise<void>((resolve) => call('flush', [resolve]));
  return tracker;
}
