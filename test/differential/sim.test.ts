/**
 * The differential transparency matrix on the project's simulator (test/sim): every shape of
 * shapes.ts that needs no rendered component tree, run without wetrack and with it in each mode.
 * See harness.ts for what is compared and README.md in this folder for how to read a failure.
 */
import { defineMatrix } from './harness';
import { SHAPES } from './shapes';
import { simEngine } from './sim-engine';

defineMatrix(simEngine, SHAPES);
