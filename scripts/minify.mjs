// Minifier settings shared by the miniprogram build (rollup.config.mjs), the size check and the bundle test.
import { parseAst } from 'rollup/parseAst';

// Property names of the SDK's internal interfaces (queue, delivery, platform, logger) are mangled too:
// they never meet host objects or the wire format, which are built from string literals. Never list
// a name that is also public (an option such as `once`, a wrapper such as `behavior`) or a field of an
// event or of a WeChat object (`text` of onTabItemTap): test/e2e/bundle.test.ts checks some of them.
const INTERNAL = ['items', 'dropped', 'ack', 'added', 'hide', 'online', 'pause', 'json', 'save', 'read', 'write', 'post', 'onNetwork', 'retryAfterMs', 'firstLaunch', 'onAppShow', 'onAppHide', 'context', 'remove', 'key', 'number', 'event', 'log', 'platform', 'addOns', 'meta', 'load', 'shownAt', 'pausedAt', 'listen', 'fire', 'ours', 'flow', 'away', 'sharer', 'depth', 'safe', 'scheduler', 'see', 'resume', 'since', 'dwell', 'props', 'startView', 'endView', 'watch', 'forget', 'ms', 'warn', 'slots', 'old', 'ob', 'status', 'refused', 'resolved', 'session', 'rendered'];

export const TERSER = {
  ecma: 2017,
  toplevel: true,
  // hoist_funs: function declarations first (39 B smaller gzipped). unsafe_arrows: functions that use neither `this` nor `arguments` become arrows (none is a constructor).
  // One pass and inline 1 (only simple functions are inlined): the output gzips smaller than with
  // three passes and full inlining (measured in issue 9: 41 B less for the whole bundle, 17 B more for the core).
  compress: { passes: 1, inline: 1, unsafe_arrows: true, hoist_funs: true },
  // builtins: some of these names are also DOM names, which terser spares by default; none of ours is
  // used on a built-in object (Map and Set methods such as clear and add are not in the list; the logger
  // calls console[kind], never console.warn).
  mangle: { properties: { regex: new RegExp(`^(${INTERNAL.join('|')})$`), builtins: true } },
};

/**
 * Rewrites every `const` declaration of a bundle as `let`, before terser: the same program, since
 * TypeScript refuses any assignment to a const, and gzip does better with one keyword than with a
 * mix of both (measured: 45 B less for the core, 72 B for the whole bundle).
 */
export function constToLet(code) {
  const at = [];
  const walk = (node) => {
    if (node.type == 'VariableDeclaration' && node.kind == 'const') at.push(node.start);
    for (const k in node) {
      const v = node[k];
      for (const child of Array.isArray(v) ? v : [v]) if (child && typeof child.type == 'string') walk(child);
    }
  };
  walk(parseAst(code));
  // From the end, so that the earlier offsets stay right.
  for (const i of at.sort((a, b) => b - a)) code = code.slice(0, i) + 'let' + code.slice(i + 5);
  return code;
}

/** constToLet as a rollup output plugin, before terser's: `plugins: [lets(), terser(TERSER)]`. */
export const lets = () => ({ name: 'const-to-let', renderChunk: (code) => ({ code: constToLet(code), map: null }) });
