/**
 * Network state of the simulated phone (rt.network) and the wx network-status APIs.
 *
 * Documented behaviour followed here (WeChat docs, wx.getNetworkType /
 * wx.onNetworkStatusChange / wx.offNetworkStatusChange):
 * - getNetworkType answers `{ networkType, signalStrength, hasSystemProxy, errMsg:
 *   'getNetworkType:ok' }` where networkType is one of wifi/2g/3g/4g/5g/unknown/none;
 *   it is asynchronous (here: next macrotask of the global setTimeout) and Promise-capable.
 * - onNetworkStatusChange listeners receive `{ isConnected, networkType }` whenever the
 *   connection or its type changes; offNetworkStatusChange(cb) removes one listener,
 *   offNetworkStatusChange() removes all of them.
 * - While offline, wx.request fails at once (see request.ts).
 * The event is delivered synchronously inside `rt.network.set()` (a simplification: the
 * real client delivers it on its own schedule) and only to the live process.
 */
import type { Callbacks, ErrMsgResult, NetworkType } from './types';
import { completion, guarded, later, type ApiHost } from './util';

export interface NetworkStatus {
  isConnected: boolean;
  networkType: NetworkType;
}

export class SimNetwork {
  private _online = true;
  private _type: NetworkType;
  private lastOnlineType: NetworkType;
  private subs = new Set<(s: NetworkStatus) => void>();

  constructor(initial: { online?: boolean; type?: NetworkType } = {}) {
    this.lastOnlineType = initial.type && initial.type !== 'none' ? initial.type : 'wifi';
    this._online = initial.online ?? initial.type !== 'none';
    this._type = this._online ? this.lastOnlineType : 'none';
  }

  get online(): boolean {
    return this._online;
  }

  get type(): NetworkType {
    return this._type;
  }

  /**
   * Changes connectivity. `set(false)` -> type 'none'; `set(true)` -> the given type or the
   * last online type (default 'wifi'). Fires onNetworkStatusChange of the live process when
   * anything changed.
   */
  set(online: boolean, type?: NetworkType | (string & {})): void {
    const nextType: NetworkType = online ? (type && type !== 'none' ? (type as NetworkType) : this.lastOnlineType) : 'none';
    if (online === this._online && nextType === this._type) return;
    this._online = online;
    this._type = nextType;
    if (online) this.lastOnlineType = nextType;
    const status: NetworkStatus = { isConnected: online, networkType: nextType };
    for (const s of [...this.subs]) s(status);
  }

  /** @internal a process listens to changes while it is alive */
  _subscribe(fn: (s: NetworkStatus) => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }
}

export interface NetworkApi {
  getNetworkType(opts?: Callbacks): Promise<ErrMsgResult> | void;
  onNetworkStatusChange(cb: (s: NetworkStatus) => void): void;
  offNetworkStatusChange(cb?: (s: NetworkStatus) => void): void;
}

export interface NetworkBinding {
  api: NetworkApi;
  /** dispatches a change to this process' listeners (no-op when dead) */
  dispatch(s: NetworkStatus): void;
  clear(): void;
}

export function createNetworkApi(network: SimNetwork, host: ApiHost): NetworkBinding {
  const listeners: ((s: NetworkStatus) => void)[] = [];
  const api: NetworkApi = {
    getNetworkType(opts) {
      const c = completion(host, 'getNetworkType', opts);
      later(() => {
        if (!host.alive) return;
        c.done(true, {
          networkType: network.type,
          signalStrength: network.online ? 4 : 0,
          hasSystemProxy: false,
          errMsg: 'getNetworkType:ok',
        });
      });
      return c.promise;
    },
    onNetworkStatusChange(cb) {
      if (!host.alive || typeof cb !== 'function') return;
      listeners.push(cb);
    },
    offNetworkStatusChange(cb) {
      if (cb === undefined) listeners.length = 0;
      else {
        const i = listeners.indexOf(cb);
        if (i >= 0) listeners.splice(i, 1);
      }
    },
  };
  return {
    api,
    dispatch(s) {
      if (!host.alive) return;
      for (const l of [...listeners]) guarded(host, 'onNetworkStatusChange', () => l({ ...s }));
    },
    clear() {
      listeners.length = 0;
    },
  };
}
