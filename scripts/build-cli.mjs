// The `wetrack` command (bin/wetrack.cjs → dist/cli.cjs): plan/ bundled for Node with ajv inside, so
// that the package keeps no runtime dependency (a mini-program's "Build npm" would pack dependencies).
import { build } from 'esbuild';

// node scripts/build-cli.mjs [outfile]: the tests build it into a package layout of their own.
await build({
  entryPoints: ['plan/cli.ts'],
  outfile: process.argv[2] || 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
});
