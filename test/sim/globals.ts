/**
 * Installing the mini-program globals (wx, App, Page, Component, Behavior, getApp,
 * getCurrentPages) on globalThis for one simulated process, and typed access to them.
 *
 * Documented behaviour followed here: in a mini-program these are globals of the logic
 * layer (WeChat docs "逻辑层": App, Page, Component, Behavior, getApp, getCurrentPages, wx).
 * Code under test must resolve them through the global object at call time, so an SDK that
 * wraps Page/App/Component (by assigning the global) is seen by the pages it defines.
 */
import type { SimPage } from './pages';
import type { Dict } from './types';

export const GLOBAL_NAMES = ['wx', 'App', 'Page', 'Component', 'Behavior', 'getApp', 'getCurrentPages'] as const;
export type GlobalName = (typeof GLOBAL_NAMES)[number];

type Saved = { name: string; desc: PropertyDescriptor | undefined };

interface Installation {
  /** what the globals were before this installation */
  saved: Saved[];
}

/** live installations, oldest first; only the newest one owns the globals */
const installations: Installation[] = [];

function snapshot(): Saved[] {
  return GLOBAL_NAMES.map((name) => ({ name, desc: Object.getOwnPropertyDescriptor(globalThis, name) }));
}

function restore(saved: Saved[]): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const { name, desc } of saved) {
    if (desc) Object.defineProperty(globalThis, name, desc);
    else delete g[name];
  }
}

/**
 * Sets the globals; returns a function restoring what was there before. Installations may
 * be undone in any order: undoing one that is not the newest leaves the globals to the
 * newest and hands it the values to restore later.
 */
export function installGlobals(values: Record<GlobalName, unknown>): () => void {
  const entry: Installation = { saved: snapshot() };
  installations.push(entry);
  for (const name of GLOBAL_NAMES) {
    Object.defineProperty(globalThis, name, { value: values[name], writable: true, configurable: true, enumerable: false });
  }
  return () => {
    const i = installations.indexOf(entry);
    if (i < 0) return;
    if (i === installations.length - 1) restore(entry.saved);
    else installations[i + 1]!.saved = entry.saved;
    installations.splice(i, 1);
  };
}

/** Options of Page({...}) as a page file passes them; methods see the page as `this`. */
export type PageOptions = { data?: Dict; [member: string]: unknown } & ThisType<SimPage>;

/** Options of Component({...}); for a component used as a page, lifecycles go in methods. */
export type ComponentOptions = {
  data?: Dict;
  properties?: Dict;
  methods?: Record<string, (...args: never[]) => unknown> & ThisType<SimPage>;
  lifetimes?: Record<string, ((...args: never[]) => unknown) | string> & ThisType<SimPage>;
  pageLifetimes?: Record<string, ((...args: never[]) => unknown) | string> & ThisType<SimPage>;
  behaviors?: unknown[];
  [member: string]: unknown;
} & ThisType<SimPage>;

export type AppOptions = { globalData?: Dict; [member: string]: unknown } & ThisType<Dict>;

function global(name: GlobalName): (...args: unknown[]) => unknown {
  const f = (globalThis as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new Error(`global ${name}() is not installed: no live simulator process`);
  return f as (...args: unknown[]) => unknown;
}

/**
 * Typed calls of the *current* globals, for test code that plays the role of app.js or of a
 * page file: `mp.Page({...})` runs whatever `globalThis.Page` is at that moment (the
 * simulator's, or an SDK wrapper around it).
 */
export const mp = {
  App(options: AppOptions): void {
    global('App')(options);
  },
  Page(options: PageOptions): void {
    global('Page')(options);
  },
  Component(options: ComponentOptions): void {
    global('Component')(options);
  },
  Behavior(options: ComponentOptions): unknown {
    return global('Behavior')(options);
  },
  getApp(opts?: { allowDefault?: boolean }): Dict | undefined {
    return global('getApp')(opts) as Dict | undefined;
  },
  getCurrentPages(): SimPage[] {
    return global('getCurrentPages')() as SimPage[];
  },
};
