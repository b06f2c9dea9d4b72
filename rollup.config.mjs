import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { TERSER } from './scripts/minify.mjs';

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, declarationDir: undefined, outDir: undefined });

export default [
  {
    input: 'src/index.ts',
    plugins: [ts()],
    output: [
      { file: 'dist/wetrack.esm.js', format: 'es', sourcemap: true },
      { file: 'dist/wetrack.cjs.js', format: 'cjs', exports: 'named', sourcemap: true },
      // What WeChat DevTools' "build npm" copies into miniprogram_npm/wetrack: one minified CommonJS file.
      { file: 'miniprogram_dist/index.js', format: 'cjs', exports: 'named', plugins: [terser(TERSER)] },
    ],
  },
];
