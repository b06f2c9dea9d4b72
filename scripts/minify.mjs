// Minifier settings shared by the miniprogram build (rollup.config.mjs) and the size check.
// Property names of the SDK's internal interfaces (queue, delivery, platform, logger) are mangled too:
// they never meet host objects or the wire format, which are built from string literals. Never list
// a name that is also public (an option such as `once`): the bundle test in test/e2e would catch it.
const INTERNAL = ['items', 'dropped', 'ack', 'added', 'hide', 'online', 'pause', 'json', 'save', 'read', 'write', 'post', 'onNetwork', 'retryAfterMs', 'firstLaunch', 'onAppShow', 'onAppHide', 'context', 'remove', 'key', 'text', 'number', 'event', 'log', 'platform', 'start', 'shownAt', 'pausedAt', 'visit', 'listen', 'fire', 'behavior', 'flow', 'away', 'excluded', 'sharer', 'depth', 'safe', 'scheduler', 'see', 'resume', 'since', 'dwell', 'props', 'startView', 'endView', 'watch', 'forget', 'ms'];

export const TERSER = {
  ecma: 2017,
  toplevel: true,
  // hoist_funs: function declarations first (39 B smaller gzipped). unsafe_arrows: functions that use neither `this` nor `arguments` become arrows (none is a constructor).
  compress: { passes: 3, unsafe_arrows: true, hoist_funs: true },
  // builtins: some of these names are also DOM names, which terser spares by default; none of ours is
  // used on a built-in object (Map and Set methods such as clear and add are not in the list).
  mangle: { properties: { regex: new RegExp(`^(${INTERNAL.join('|')})$`), builtins: true } },
};
