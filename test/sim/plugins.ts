/**
 * Apps that use plugins (a "plugins" section in app.json): WeChat refuses to let app code replace
 * the globals Page, App, Component, Behavior (and `wx` and its methods).
 *
 * Sources: no WeChat document describes it; developers' reports quote the message
 * `[non-writable] modification of global variable "Page" is not allowed when using plugins at
 * app.json.` (zhengguorong/xbossdebug-wechat#8, tvfe/txv-miniprogram-plugin#24, Tencent/omi#539;
 * for `wx` and `wx.request`: mushan0x0/wxapp-api-interceptors#9). The stack traces there show
 * the base library's setter calling console.error and the old value staying in place, while
 * some SDKs' users report an exception at the assignment (sa-sdk-miniprogram issues #2, #29).
 * Both are modelled: `how: 'log'` keeps the old value and logs, `how: 'throw'` throws.
 */
export function forbidGlobalReplacement(
  names: string[],
  how: 'log' | 'throw',
  target: object = globalThis,
  /** told of each refused assignment, for tests that count the attempts */
  onRefused: (name: string) => void = () => {},
): () => void {
  const undo: (() => void)[] = [];
  for (const name of names) {
    const before = Object.getOwnPropertyDescriptor(target, name);
    const value = (target as Record<string, unknown>)[name];
    const message = `[non-writable] modification of global variable "${name}" is not allowed when using plugins at app.json.`;
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: before ? before.enumerable : false,
      get: () => value,
      set: () => {
        onRefused(name);
        if (how === 'throw') throw new Error(message);
        console.error(message);
      },
    });
    undo.push(() => (before ? Object.defineProperty(target, name, before) : delete (target as Record<string, unknown>)[name]));
  }
  return () => undo.forEach((f) => f());
}
