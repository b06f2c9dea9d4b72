/**
 * A scripted, seeded crowd using the example shop in the simulator: each user is a phone (a
 * test/sim runtime with its own storage and network); each session is a cold start of the app that
 * browses, scrolls, taps slots, buys, logs in and out, sometimes turns the privacy switch, goes
 * offline, is sent to the background and killed. The SDK (the real build, loaded by the app's own
 * files) delivers over real HTTP to whatever `serverUrl` the caller gives.
 *
 * While it plays, the script keeps its own account of what should reach the collector (the oracle),
 * independently of the SDK: page views per page, taps per slot, exposures per slot (from what its
 * viewport showed and for how long: once per slot per page view after MIN_DWELL_MS at ratio ≥ 0.5),
 * and per session the funnel steps it went through. The events the SDK queued are recorded too (a
 * destination plugin), so that "every tracked event is stored once" can be checked by id.
 *
 * For the operators' analyses (collector/analytics/) the crowd also lives over `days` days (sessions
 * spread evenly, so users return on later days: retention), comes in through channels (launch
 * scenes, UTM parameters on a scanned poster or a Moments ad, share links naming a real earlier
 * user as sharer with a depth), runs an experiment (the super property `exp_pay_default`, half the
 * phones `wechat` and half `card`, with a known effect: `wechat` pays at checkout more often,
 * PAY_CHANCE), and keeps every paid order it saw on screen (lines, amount, who, when): repeat
 * purchases and co-purchases come from the browsing itself. Each analysis is checked against these
 * (test/analytics/).
 *
 * It makes one deliberate mistake, as a developer might: the first add_to_cart of the run carries its
 * quantity as a string ("1", read from a form field), which the example's tracking plan types as an
 * integer. The collector's plan check must catch exactly that one (`planMistakes`).
 */
import { createRuntime, type Runtime, type SimPage } from '../sim';
import { SCREEN_ROWS, settle, type AppProcess, type ExampleApp } from './miniapp';
import { prng, type Prng, type VirtualClock } from './time';
import type { Element } from './wxml';

/** The SDK's exposure defaults, which app.js keeps. */
export const MIN_RATIO = 0.5;
export const MIN_DWELL_MS = 1000;

export const ROUTES = {
  home: 'pages/home/index',
  category: 'pages/category/index',
  product: 'pages/product/index',
  cart: 'pages/cart/index',
  checkout: 'pages/checkout/index',
  payResult: 'pages/pay-result/index',
  profile: 'pages/profile/index',
} as const;

/** Funnel steps and the events that mark them: home page view → view_product → add_to_cart → checkout → pay_success. */
export const FUNNEL = ['home', 'product', 'cart', 'checkout', 'pay'] as const;
type Step = (typeof FUNNEL)[number];

const TABS = [ROUTES.home, ROUTES.category, ROUTES.cart, ROUTES.profile];

export interface TrackedEvent {
  id: string;
  seq: number;
  name: string;
  anonymousId: string;
  sessionId: string;
  page?: string;
  /** The phone's clock when tracked. */
  time: number;
  properties: Record<string, unknown>;
}

/** The experiment: a super property on every event of the phone, and how often each variant pays at checkout. */
export const EXPERIMENT = 'exp_pay_default';
export const PAY_CHANCE = { card: 0.6, wechat: 0.85 } as const;
export type Variant = keyof typeof PAY_CHANCE;

/** A paid order as the checkout page showed it to the script. */
export interface PaidOrder {
  id: string;
  anonymousId: string;
  time: number;
  variant: Variant;
  lines: { code: string; price: number; quantity: number }[];
}

export interface Truth {
  users: number;
  /** Cold starts, return visits included. */
  sessions: number;
  hotStarts: number;
  offlineSessions: number;
  /** Sessions that ended (killed) with events still on the phone; delivered by a later session. */
  leftQueued: number;
  returnVisits: number;
  consentOff: number;
  taps: number;
  /** Every event the SDK queued, by id. */
  tracked: Map<string, TrackedEvent>;
  tapsBySlot: Map<string, number>;
  exposuresBySlot: Map<string, number>;
  pageViews: Map<string, number>;
  visitors: Map<string, Set<string>>;
  /** Sessions that reached each funnel step, in order. */
  funnel: number[];
  /** The page views of each day, as the script saw pages show: [anonymous id, time] per view. */
  views: [string, number][];
  /** Per install: the channel of its first launch (utm_source, else `share`, else `scene:<scene>`). */
  channelOf: Map<string, string>;
  /** Per install: its share depth when it came in through a share link. */
  shareDepthOf: Map<string, number>;
  /** Per variant: the installs that opened the checkout page, and those that paid. */
  abCheckout: Record<Variant, Set<string>>;
  abPaid: Record<Variant, Set<string>>;
  orders: PaidOrder[];
  /** The deliberate mistakes: events that break the example's tracking plan, and where. */
  planMistakes: { id: string; name: string; field: string; rule: string }[];
}

export interface CrowdOptions {
  app: ExampleApp;
  clock: VirtualClock;
  sessions: number;
  seed: number;
  /** Share of sessions that lose the network for a while. Default 0.06. */
  offlineShare?: number;
  /** Days the sessions are spread over (virtual time). Default 14. */
  days?: number;
  /** Called after each session (progress). */
  progress?(done: number, total: number): void;
}

interface User {
  index: number;
  rt: Runtime;
  consent: boolean;
  /** Sessions left in the plan. */
  planned: number;
  variant: Variant;
}

const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/**
 * Events still stored on the phone: those in wetrack's queue head (`wt_q`: [state, ...events]) and in
 * the segments it lists that still exist (an acknowledgement removes a segment at once; the head's
 * state is rewritten with the next save, so its seqs may lag).
 */
export function queued(rt: Runtime): number {
  const raw = rt.storage.peek('wt_q');
  if (typeof raw !== 'string' || !raw) return 0;
  const [state, ...head] = JSON.parse(raw) as [{ g: number[] }, ...unknown[]];
  let n = head.length;
  for (const last of state.g) {
    const segment = rt.storage.peek('wt_q' + last);
    if (typeof segment == 'string' && segment) n += (JSON.parse(segment) as unknown[]).length;
  }
  return n;
}

const DEVICES = [
  { brand: 'iPhone', model: 'iPhone 15', system: 'iOS 17.5', platform: 'ios' },
  { brand: 'iPhone', model: 'iPhone 13', system: 'iOS 16.7', platform: 'ios' },
  { brand: 'HUAWEI', model: 'Mate 60', system: 'HarmonyOS 4.0', platform: 'android' },
  { brand: 'Xiaomi', model: '14', system: 'Android 14', platform: 'android' },
  { brand: 'OPPO', model: 'Reno 11', system: 'Android 14', platform: 'android' },
];

export async function runCrowd(opts: CrowdOptions): Promise<Truth> {
  const { app, clock } = opts;
  const r: Prng = prng(opts.seed);
  const truth: Truth = {
    users: 0,
    sessions: 0,
    hotStarts: 0,
    offlineSessions: 0,
    leftQueued: 0,
    returnVisits: 0,
    consentOff: 0,
    taps: 0,
    tracked: new Map(),
    tapsBySlot: new Map(),
    exposuresBySlot: new Map(),
    pageViews: new Map(),
    visitors: new Map(),
    funnel: FUNNEL.map(() => 0),
    views: [],
    channelOf: new Map(),
    shareDepthOf: new Map(),
    abCheckout: { card: new Set(), wechat: new Set() },
    abPaid: { card: new Set(), wechat: new Set() },
    orders: [],
    planMistakes: [],
  };
  // Anonymous ids seen so far: a share link names one of them as the sharer.
  const sharers: string[] = [];
  // The event ids the mistake was made on (one), until the SDK queues it.
  const mistaken = new Set<string>();

  // The SDK's ids and backoff jitter use Math.random: seeded too, so that a run is reproducible.
  const realRandom = Math.random;
  Math.random = prng(opts.seed ^ 0x5eed).next;

  // Users: about 0.55 per session; everyone comes at least once, some come back.
  const userCount = Math.max(1, Math.round(opts.sessions * 0.55));
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) {
    users.push({
      // A develop build: the example collector is plain http on loopback, as in DevTools with the domain check off.
      index: i,
      rt: createRuntime({ appConfig: app.appConfig, appId: 'wx5e7c0a1d2b3c4d5e', device: DEVICES[i % DEVICES.length], account: { envVersion: 'develop', version: '1.0.0' }, printErrors: true }),
      consent: true,
      planned: 1,
      variant: i % 2 ? 'wechat' : 'card',
    });
  }
  for (let i = userCount; i < opts.sessions; i++) r.pick(users).planned++;
  truth.users = userCount;

  const order: User[] = [];
  for (const u of users) for (let k = 0; k < u.planned; k++) order.push(u);
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }

  try {
    let done = 0;
    // Sessions spread evenly over the days: the clock jumps ahead between two (every app is killed).
    const t0 = clock.now();
    const span = (opts.days ?? 14) * 86_400_000;
    for (const u of order) {
      const at = t0 + Math.floor((done * span) / order.length);
      if (at > clock.now()) await clock.advance(at - clock.now());
      await session(u, false);
      done++;
      opts.progress?.(done, order.length);
    }
    // Whoever was killed with events on the phone opens the app once more, online, and waits.
    for (const u of users) {
      if (queued(u.rt) > 0) {
        truth.returnVisits++;
        await session(u, true);
      }
    }
    const left = users.filter((u) => queued(u.rt) > 0);
    if (left.length) throw new Error(`crowd: ${left.length} phone(s) still hold events after their return visit`);
  } finally {
    Math.random = realRandom;
    for (const u of users) u.rt.dispose();
  }
  return truth;

  /** One cold start of the app by user `u`, from launch to kill. */
  async function session(u: User, returnVisit: boolean): Promise<void> {
    truth.sessions++;
    u.rt.network.set(true);
    const steps: Step[] = [];
    const views = new Map<SimPage, { visible: Map<string, number>; counted: Set<string> }>();
    let ap!: AppProcess;
    let appVisible = true;

    const granted = () => u.consent;
    const mark = (s: Step) => granted() && steps.push(s);

    // The oracle's eyes: what is on screen, and since when.
    const recompute = (page: SimPage, ending = false) => {
      const v = views.get(page);
      if (!v) return;
      const now = Date.now();
      const vp = ap.viewports.get(page);
      const on = new Set<string>();
      if (!ending && vp && vp.shown && appVisible) for (const [slot, x] of vp.ratios()) if (x.ratio >= MIN_RATIO) on.add(slot);
      for (const [slot, since] of v.visible) {
        if (on.has(slot)) continue;
        v.visible.delete(slot);
        if (now - since >= MIN_DWELL_MS && !v.counted.has(slot)) {
          v.counted.add(slot);
          if (granted()) bump(truth.exposuresBySlot, slot);
        }
      }
      for (const slot of on) if (!v.visible.has(slot)) v.visible.set(slot, now);
      if (ending) views.delete(page);
    };

    const entryShare = !returnVisit && r.chance(0.1);
    const code = r.pick(['VG-101', 'VG-204', 'VG-305', 'VG-403', 'VG-110']);
    // Channels: a share link (scene 1007) names a real earlier sharer and a depth; a scanned poster
    // (1011) and a Moments ad (1045) carry UTM parameters; the rest are plain scenes.
    const sharer = sharers.length ? r.pick(sharers).slice(0, 12) : 'a1b2c3d4e5f6';
    const depth = r.int(1, 3);
    const via = r.weighted({ plain: 70, poster: 15, moments: 15 });
    const start: { path?: string; query?: Record<string, string>; scene: number } = entryShare
      ? { path: ROUTES.product, query: { code, wts: `${sharer}.${depth}` }, scene: 1007 }
      : via === 'poster'
        ? { path: ROUTES.home, query: { utm_source: 'poster', utm_campaign: 'spring' }, scene: 1011 }
        : via === 'moments'
          ? { path: ROUTES.home, query: { utm_source: 'moments_ad', utm_campaign: 'spring' }, scene: 1045 }
          : { scene: r.pick([1001, 1001, 1089, 1053]) };
    const channel = entryShare ? 'share' : (start.query?.utm_source ?? `scene:${start.scene}`);

    app.boot(u.rt, {
      start,
      beforeApp: (p) => {
        ap = p;
        p.wetrack.use({
          name: 'qa-truth',
          type: 'destination',
          execute(e: TrackedEvent) {
            truth.tracked.set(e.id, { id: e.id, seq: e.seq, name: e.name, anonymousId: e.anonymousId, sessionId: e.sessionId, page: e.page, time: (e as TrackedEvent & { time: number }).time, properties: JSON.parse(JSON.stringify(e.properties)) });
            if (mistaken.has(e.id)) truth.planMistakes.push({ id: e.id, name: e.name, field: 'properties.quantity', rule: 'type' });
          },
        });
        // The experiment's super property, on every event as wetrack.register() puts it; a plugin
        // here because logout's reset() clears registered properties and the phone stays in its variant.
        // Not on profile updates: the example's plan lists their properties (register() would put it
        // there too, and the plan check would call it `additional`).
        p.wetrack.use({
          name: 'qa-experiment',
          type: 'enrichment',
          execute: (e: TrackedEvent) => (e.name === '$set' || e.name === '$set_once' ? e : { ...e, properties: { ...e.properties, [EXPERIMENT]: u.variant } }),
        });
        // The deliberate mistake (above): once in the whole run, on the first add_to_cart.
        p.wetrack.use({
          name: 'qa-mistake',
          type: 'enrichment',
          execute(e: TrackedEvent) {
            if (mistaken.size || e.name !== 'add_to_cart') return e;
            mistaken.add(e.id);
            return { ...e, properties: { ...e.properties, quantity: String(e.properties.quantity) } };
          },
        });
      },
      hooks: {
        pageShow(page) {
          if (granted()) {
            bump(truth.pageViews, page.route);
            truth.views.push([ap.wetrack.getAnonymousId(), Date.now()]);
            const set = truth.visitors.get(page.route) ?? new Set<string>();
            set.add(ap.wetrack.getAnonymousId());
            truth.visitors.set(page.route, set);
          }
          if (page.route === ROUTES.home) mark('home');
          views.set(page, { visible: new Map(), counted: new Set() });
          recompute(page);
        },
        pageHide(page) {
          recompute(page, true);
        },
        viewChanged(page) {
          recompute(page);
        },
      },
    });
    await settle();
    if (entryShare) mark('product');
    const anon = () => ap.wetrack.getAnonymousId();
    // An install's channel is that of its first tracked launch (logout's reset makes a new install
    // mid-session: its first launch is the next start; with consent off the launch is not tracked).
    if (granted() && !truth.channelOf.has(anon())) {
      truth.channelOf.set(anon(), channel);
      if (entryShare) truth.shareDepthOf.set(anon(), depth);
    }
    if (!sharers.includes(anon())) sharers.push(anon());

    const proc = ap.proc;
    const offline = !returnVisit && r.chance(opts.offlineShare ?? 0.06);
    const stepCount = returnVisit ? 1 : r.int(3, 14);
    const offAt = offline ? r.int(0, stepCount - 1) : -1;
    const onAt = offline && r.chance(0.5) ? r.int(offAt + 1, stepCount + 1) : Infinity;
    if (offline) truth.offlineSessions++;

    const play = async (n: number, from = 0) => {
      for (let k = from; k < from + n; k++) {
        if (k === offAt) u.rt.network.set(false);
        if (k === onAt) u.rt.network.set(true);
        if ((await step()) === 'end') break;
      }
    };
    await play(stepCount);

    // Off to the background: the SDK writes and sends at once; a few seconds later, maybe a hot start.
    const toBackground = async () => {
      appVisible = false;
      proc.hide();
      await clock.advance(r.int(1500, 4000));
    };
    await toBackground();
    if (returnVisit) {
      for (let waited = 0; queued(u.rt) > 0 && waited < 120_000; waited += 2000) await clock.advance(2000);
    } else if (r.chance(0.12)) {
      truth.hotStarts++;
      await clock.advance(r.int(5000, 90_000));
      appVisible = true;
      proc.show();
      await settle();
      await play(r.int(1, 4), stepCount);
      await toBackground();
    }
    if (queued(u.rt) > 0) truth.leftQueued++;
    const errors = proc.errors.map((e) => `${e.where}: ${e.message}`);
    proc.kill();
    if (errors.length) throw new Error('the example app threw:\n' + errors.join('\n'));
    // The steps reached in order (each after the one before), as the report's funnel counts them.
    let reached = 0;
    for (const s of steps) if (s === FUNNEL[reached]) reached++;
    for (let i = 0; i < reached; i++) truth.funnel[i]!++;

    // ---- the scripted user ------------------------------------------------------------------

    /** Looks at the screen for a while: short glances (< dwell) or real looks, never near the 1 s edge. */
    async function look() {
      await clock.advance(r.chance(0.55) ? r.int(1200, 4000) : r.int(250, 800));
    }

    async function tap(el: Element) {
      const slot = el.dataset.wtSlot;
      if (slot != null && granted()) {
        bump(truth.tapsBySlot, String(slot));
        truth.taps++;
      }
      // Fingers land on the card's picture or title as often as on the card itself.
      await ap.tap(el, r.chance(0.5) ? { child: (c) => c.tag === 'text' || c.classes.length > 0 } : {});
      await settle();
    }

    function byHandler(h: string) {
      return (e: Element) => e.events.tap?.handler === h;
    }
    function visibleSlots() {
      return [...ap.viewport().ratios()].filter(([, x]) => x.ratio >= MIN_RATIO).map(([slot, x]) => ({ slot, el: x.el }));
    }
    async function tab(route: string) {
      await proc.tapTab(TABS.indexOf(route as (typeof TABS)[number]));
      await settle();
    }
    async function openSlot() {
      const vis = visibleSlots();
      if (!vis.length) return;
      await tap(r.pick(vis).el);
      if (ap.route() === ROUTES.product) mark('product');
    }
    async function scrollSome(moves: number, bottom?: () => Promise<void>) {
      for (let i = 0; i < moves; i++) {
        const vp = ap.viewport();
        const max = Math.max(0, vp.rowCount() - SCREEN_ROWS);
        if (vp.top >= max) {
          if (!bottom) break;
          await bottom();
        }
        ap.scrollTo(Math.min(Math.max(0, ap.viewport().rowCount() - SCREEN_ROWS), vp.top + r.int(1, 3)));
        await look();
      }
    }

    async function step(): Promise<'end' | void> {
      const route = ap.route();
      if (route === ROUTES.home) {
        if (ap.viewport().top === 0 && r.chance(0.35)) ap.swipe(r.int(1, 2));
        await look();
        await scrollSome(r.int(0, 2));
        const a = r.weighted({ slot: 50, category: 14, cart: 6, profile: 10, more: 5, top: 5, stay: 10 });
        if (a === 'slot') await openSlot();
        else if (a === 'more') await tap(ap.one(byHandler('onAllCategories'), 'onAllCategories'));
        else if (a === 'top') ap.scrollTo(0);
        else if (a !== 'stay') await tab(ROUTES[a]);
      } else if (route === ROUTES.category) {
        if (r.chance(0.3)) {
          const tabs = ap.find((e) => e.classes.includes('tab') && !e.classes.includes('active'));
          await tap(r.pick(tabs));
        }
        await look();
        await scrollSome(r.int(0, 4), async () => {
          proc.pageEvent('onReachBottom');
          await settle();
        });
        const a = r.weighted({ item: 50, home: 15, cart: 7, profile: 8, stay: 20 });
        if (a === 'item') await openSlot();
        else if (a !== 'stay') await tab(ROUTES[a]);
      } else if (route === ROUTES.product) {
        await look();
        const a = r.weighted({ add: 22, buy: 20, fav: 10, share: 8, back: 40 });
        if (a === 'add' || a === 'buy') {
          await tap(ap.one(byHandler(a === 'add' ? 'onAddToCart' : 'onBuyNow'), a));
          mark('cart');
        } else if (a === 'fav') await tap(ap.one(byHandler('onToggleFavourite'), 'favourite'));
        else if (a === 'share') await tap(ap.one((e) => e.attrs['open-type'] === 'share', 'share button'));
        else if (proc.pages().length > 1) {
          await proc.navigateBack();
          await settle();
        } else {
          // Opened from a shared card: the navigation bar's home button.
          await proc.reLaunch('/' + ROUTES.home);
          await settle();
        }
      } else if (route === ROUTES.cart) {
        await look();
        const items = (ap.page().data.items as unknown[]).length;
        const a = items ? r.weighted({ checkout: 55, plus: 8, minus: 8, home: 15, category: 8, stay: 6 }) : r.weighted({ go: 40, home: 20, category: 25, profile: 15 });
        if (a === 'checkout') {
          await tap(ap.one(byHandler('onCheckout'), 'checkout'));
          if (ap.route() === ROUTES.checkout) {
            mark('checkout');
            if (granted()) truth.abCheckout[u.variant].add(anon());
          }
        } else if (a === 'plus' || a === 'minus') await tap(r.pick(ap.find((e) => e.classes.includes(a))));
        else if (a === 'go') await tap(ap.one(byHandler('onGoShopping'), 'go shopping'));
        else if (a !== 'stay') await tab(ROUTES[a]);
      } else if (route === ROUTES.checkout) {
        await look();
        if (r.chance(PAY_CHANCE[u.variant])) {
          const order = ap.page().data.order as { id: string; lines: PaidOrder['lines'] };
          await tap(ap.one(byHandler('onPay'), 'pay'));
          if (ap.route() === ROUTES.payResult) {
            mark('pay');
            if (granted()) {
              truth.abPaid[u.variant].add(anon());
              truth.orders.push({ id: order.id, anonymousId: anon(), time: Date.now(), variant: u.variant, lines: order.lines.map((l) => ({ code: l.code, price: l.price, quantity: l.quantity })) });
            }
          }
        } else {
          await proc.navigateBack();
          await settle();
        }
      } else if (route === ROUTES.payResult) {
        await look();
        if (r.chance(0.35)) return 'end';
        await tap(ap.one(byHandler('onContinue'), 'continue'));
      } else if (route === ROUTES.profile) {
        await look();
        const logged = !!ap.page().data.user;
        const a = r.weighted({ login: logged ? 0 : 35, logout: logged ? 12 : 0, consent: u.consent ? 6 : 40, home: 25, category: 15, cart: 6 });
        if (a === 'login') await tap(ap.one(byHandler('onLogin'), 'login'));
        else if (a === 'logout') await tap(ap.one(byHandler('onLogout'), 'logout'));
        else if (a === 'consent') await toggleConsent();
        else await tab(ROUTES[a]);
      }
    }

    /**
     * The privacy switch. Turning it off deletes what is still on the phone (by design), so this user
     * reads the privacy text until everything was sent first; offline, they leave the switch alone.
     */
    async function toggleConsent() {
      const sw = ap.one((e) => e.tag === 'switch', 'privacy switch');
      if (u.consent) {
        // Events tracked in the last half second are still only in memory: wait for them to be stored too.
        let waited = 0;
        do {
          await clock.advance(1000);
          waited += 1000;
        } while (queued(u.rt) > 0 && u.rt.network.online && waited < 60_000);
        if (queued(u.rt) > 0) return;
        truth.consentOff++;
      }
      u.consent = !u.consent;
      await ap.change(sw, { value: u.consent });
    }
  }
}
