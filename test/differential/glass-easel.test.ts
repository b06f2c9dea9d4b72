/**
 * The differential transparency matrix on WeChat's own component framework (glass-easel +
 * glass-easel-miniprogram-adapter 0.12.1): every shape of shapes.ts, run without wetrack and with
 * it in each mode. See harness.ts and glass-easel-engine.ts.
 */
import { defineMatrix } from './harness';
import { glassEaselEngine } from './glass-easel-engine';
import { SHAPES } from './shapes';

defineMatrix(glassEaselEngine, SHAPES);
