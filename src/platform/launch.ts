/* Part of the platform adapter: what one launch (one process) shares: its launch options, and its default tracker. */

import { attempt } from '../log';

/** What WeChat says about how the mini-program was opened: scene, path, query, referrerInfo. */
export interface EnterOptions {
  scene?: number;
  path?: string;
  query?: { [key: string]: string };
  referrerInfo?: { appId?: string };
}

/**
 * The slot the copies of wetrack in one process share. An independent subpackage cannot require the
 * main package's files, so it carries its own copy of the package (WeChat docs,
 * framework/subpackages/independent.html); every copy's default instance meets here. Copies may be
 * different versions: `t`, `w` and the tracker's `internals.at` are a contract between them.
 */
export interface Shared {
  /** The default instance that was started first in this process. */
  t?: unknown;
  /** Default instances not started, waiting for one to be. */
  w: (() => void)[];
}

declare const wx: { getLaunchOptionsSync?(): EnterOptions; __wt?: Shared };

export function launchOptions(): EnterOptions {
  return attempt(() => wx.getLaunchOptionsSync!() || {}, {})!;
}

/**
 * The process's slot, kept on `wx`: the one object every copy sees, and a new one in each process
 * (a package is evaluated in the process that requires it). Not enumerable, so code that walks `wx`
 * (promisify helpers) never meets it. Where there is no `wx`, or it cannot take the property, a
 * slot of its own: nothing is shared.
 */
export function shared(): Shared {
  return attempt(() => wx.__wt || Object.defineProperty(wx, '__wt', { value: { w: [] } }).__wt!, { w: [] })!;
}
