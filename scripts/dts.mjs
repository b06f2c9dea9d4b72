// Emits the public type declarations next to the bundles: dist/types/*.d.ts for `require` (the
// package is CommonJS by default), and a .d.mts twin of each for `import`, whose relative imports
// name their .mjs files as ESM resolution (TypeScript's nodenext) needs. With one set for both,
// TypeScript under nodenext would take `import wetrack from 'wetrack'` for the CommonJS
// module.exports and type `wetrack.init` as missing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const OUT = process.argv[2] || 'dist/types';

rmSync(OUT, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly', '--declarationDir', OUT], { stdio: 'inherit' });

const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
for (const file of walk(OUT).filter((f) => f.endsWith('.d.ts'))) {
  // from './x', import('./x'): every relative specifier the compiler writes is extensionless.
  const esm = readFileSync(file, 'utf8').replace(/((?:from |import\()['"])(\.{1,2}\/[^'"]+)(['"])/g, '$1$2.mjs$3');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.mts'), esm);
}
