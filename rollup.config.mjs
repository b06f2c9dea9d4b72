import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { lets, TERSER } from './scripts/minify.mjs';

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined });

// Each entry of package.json's `exports`: ESM (.mjs, so that Node loads it as a module in a package
// without "type": "module"), CommonJS, and the minified CommonJS file that WeChat DevTools' "Build npm"
// copies into miniprogram_npm/wetrack (`require('wetrack')` loads index.js, `require('wetrack/core')` core.js).
const entry = (input, name, mp) => ({
  input,
  plugins: [ts()],
  output: [
    { file: `dist/${name}.mjs`, format: 'es', sourcemap: true },
    { file: `dist/${name}.cjs.js`, format: 'cjs', exports: 'named', sourcemap: true },
    { file: `miniprogram_dist/${mp}.js`, format: 'cjs', exports: 'named', plugins: [lets(), terser(TERSER)] },
  ],
});

export default [
  entry('src/index.ts', 'wetrack', 'index'),
  // The core alone (track, identity, queue, transport), without auto-capture and exposure.
  entry('src/core.ts', 'core', 'core'),
  // wetrack/plan: the tracking plan checked in development (src/plan), never part of the bundles above.
  // Its property names are not mangled: they are the plan file's own (items, type…), not the SDK's.
  {
    input: 'src/plan/index.ts',
    plugins: [ts()],
    output: [
      { file: 'dist/plan.mjs', format: 'es', sourcemap: true },
      { file: 'dist/plan.cjs.js', format: 'cjs', exports: 'named', sourcemap: true },
      { file: 'miniprogram_dist/plan.js', format: 'cjs', exports: 'named', plugins: [terser({ ...TERSER, mangle: true })] },
    ],
  },
];
