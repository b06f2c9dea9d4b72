/** A property bag as the app hands it to the SDK. Values are sanitised before they are stored. */
export type Properties = { [key: string]: unknown };

/** The untyped plan: any event name, any properties. */
export type EventMap = { [name: string]: Properties | undefined };

/**
 * What a tracking plan must be: event name to the properties that event takes, each an object type
 * (a type literal or an interface), or `undefined` for an event without properties. A plan written
 * as an `interface` fits: no index signature is asked for.
 */
export type EventPlan<E> = { [K in keyof E]: object | undefined };

/**
 * Augment this interface to type the default instance:
 * `declare module 'wetrack' { interface TrackingPlan { buy: { sku: string } } }`
 */
export interface TrackingPlan {}

/**
 * The plan the default instance is typed with: the augmented TrackingPlan alone (so an unknown
 * event name is an error), or any event while it is not augmented.
 */
export type DefaultPlan = keyof TrackingPlan extends never ? EventMap : TrackingPlan;

export type Consent = 'granted' | 'pending' | 'denied';

/** One event as it is stored and sent. */
export interface TrackedEvent {
  /** Unique per event: collectors deduplicate on it. */
  id: string;
  /** Per-install, gap-free, never reused once the event may have left the device. */
  seq?: number;
  name: string;
  /** Epoch milliseconds, stamped at track(). */
  time: number;
  anonymousId: string;
  userId?: string;
  sessionId: string;
  /** Route of the page on top of the stack when the event was tracked. */
  page?: string;
  properties: Properties;
}

/** Fields that are the same for a whole batch, sent once per batch. */
export interface BatchContext {
  /** 'wetrack' */
  lib: string;
  libVersion: string;
  /** The mini-program's app id, from wx.getAccountInfoSync. */
  appId?: string;
  /** options.appVersion, else the released version WeChat reports. */
  appVersion?: string;
  /** 'develop' | 'trial' | 'release' */
  appEnv?: string;
  /** Device fields under the names WeChat's device, window and base-info APIs give them. */
  brand?: string;
  model?: string;
  /** 'ios' | 'android' | 'windows' | 'mac' | 'devtools' … */
  platform?: string;
  /** OS name and version, e.g. 'iOS 17.0'. */
  system?: string;
  screenWidth?: number;
  screenHeight?: number;
  pixelRatio?: number;
  /** WeChat base library version. */
  SDKVersion?: string;
  /** 'wifi' | '4g' | … at the time the batch was sent. */
  network?: string;
}

/** The body of every POST to serverUrl. */
export interface Batch {
  sentAt: number;
  context: BatchContext;
  events: TrackedEvent[];
  /** Events dropped on the device (queue over maxQueueEvents) since the last batch that reported them. */
  dropped?: number;
}

export type PluginType = 'before' | 'enrichment' | 'destination';

export interface Plugin {
  name: string;
  type: PluginType;
  /** Called once when the plugin is added. */
  setup?(tracker: Tracker): void;
  /**
   * before / enrichment: return the event (changed or not) to go on, or null to drop it.
   * destination: receives every event that enters the delivery queue; the return value is ignored.
   */
  execute(event: TrackedEvent): TrackedEvent | null | void;
}

export interface MaskOptions {
  /** Property keys whose values are always replaced (matched case-insensitively as substrings). */
  keys?: string[];
  /** Mask values that look like mobile numbers, resident ids, e-mail addresses or bank cards. Default true. */
  patterns?: boolean;
}

export interface Options {
  /** Collector endpoint: every batch is POSTed here as JSON. Required. */
  serverUrl: string;
  appVersion?: string;
  /** Events per request, and the queue length that triggers a send. Default 20. */
  batchSize?: number;
  /** Upper bound on the wait between an event and its send under a steady stream. Default 5000. */
  flushIntervalMs?: number;
  /** A request body never exceeds this (a single larger event goes alone). Default 500 000. */
  maxBatchBytes?: number;
  /** Past this many unsent events the oldest are dropped and counted. Default 5000. */
  maxQueueEvents?: number;
  consent?: Consent;
  debug?: boolean;
  /** Last look at each event before it is stored; return null to drop it. */
  beforeSend?: (event: TrackedEvent) => TrackedEvent | null;
  headers?: Record<string, string>;
  mask?: MaskOptions | false;
  /** A new session starts after this long in the background. Default 30 minutes. */
  sessionTimeoutMs?: number;
  /** Request timeout. Default 10 000. */
  timeoutMs?: number;
  /** First retry delay; doubles per failure up to retryMaxMs, with jitter. Default 1000. */
  retryBaseMs?: number;
  /** Default 60 000. */
  retryMaxMs?: number;
  /** Storage key prefix; give each extra tracker its own. Default 'wt'. */
  name?: string;
  /** Auto-capture of app, page, tap, share and tab events: on by default; false turns it off. */
  autocapture?: boolean | import('./autocapture/options').AutocaptureOptions;
  /** Exposure of `.wt-exposure` slots (needs auto-capture): on by default; false turns it off. */
  exposure?: boolean | import('./exposure/options').ExposureOptions;
}

export interface UserPropertyOptions {
  /** Set only where the profile has no value yet. */
  once?: boolean;
}

/** The core tracker, typed with a plan: unknown event names and wrong property types do not compile. */
export interface Tracker<E extends EventPlan<E> = EventMap> {
  /** Starts the tracker; returns it, typed with the plan given as the type argument. */
  init<P extends EventPlan<P> = E>(options: Options): Tracker<P>;
  track<K extends keyof E & string>(name: K, ...properties: undefined extends E[K] ? [properties?: E[K]] : [properties: E[K]]): void;
  identify(userId: string, traits?: Properties): void;
  reset(): void;
  register(properties: Properties): void;
  unregister(key: string): void;
  setUserProperties(properties: Properties, options?: UserPropertyOptions): void;
  time(name: keyof E & string): void;
  flush(): Promise<void>;
  setConsent(consent: 'granted' | 'denied'): void;
  getAnonymousId(): string;
  use(plugin: Plugin): void;
}
