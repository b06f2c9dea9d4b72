// Minifier settings shared by the miniprogram build (rollup.config.mjs) and the size check.
// Property names of the SDK's internal interfaces (queue, delivery, platform, logger) are mangled too:
// they never meet host objects or the wire format, which are built from string literals.
const INTERNAL = ['items', 'dropped', 'ack', 'added', 'hide', 'online', 'pause', 'json', 'save', 'clear', 'read', 'write', 'post', 'onNetwork', 'retryAfterMs', 'once', 'firstLaunch', 'onAppShow', 'onAppHide', 'context', 'remove'];

export const TERSER = {
  ecma: 2017,
  toplevel: true,
  compress: { passes: 2 },
  mangle: { properties: { regex: new RegExp(`^(${INTERNAL.join('|')})$`) } },
};
