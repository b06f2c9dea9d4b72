/**
 * Issue 10, point 10: the example app loads wetrack from its committed "Build npm" output,
 * example-miniprogram/miniprogram/miniprogram_npm/wetrack/index.js (DevTools opens the folder as it
 * is). It must be what src/ builds to now, byte for byte: `npm run example:sync` refreshes it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMiniprogramBundle } from '../qa/build';

const COPY = path.resolve(__dirname, '../../example-miniprogram/miniprogram/miniprogram_npm/wetrack/index.js');

describe("the example app's copy of the SDK", () => {
  it('is a fresh build of src/ (else: npm run example:sync)', async () => {
    const fresh = readFileSync(await buildMiniprogramBundle(), 'utf8');
    const copy = readFileSync(COPY, 'utf8');
    // Not toBe: a 25 KB diff helps no one. The message says what to do.
    expect(copy === fresh, `${path.relative(process.cwd(), COPY)} is not the current build of src/: run npm run example:sync`).toBe(true);
  }, 60_000);
});
