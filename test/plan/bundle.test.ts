/**
 * The tracking plan costs the mini-program bundle nothing: miniprogram_dist/index.js (what
 * `require('wetrack')` loads) holds none of the plan code, which lives in its own file,
 * miniprogram_dist/plan.js (`require('wetrack/plan')`), loaded only by an app that asks for it.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildMiniprogramBundle } from '../qa/build';
import { buildPlanBundle } from './build';

// Strings only the plan code has (messages and the plugin's name).
const PLAN_MARKERS = ['wetrack-plan', 'is not in the plan', 'is required by the plan', 'characters, got'];

describe('the mini-program bundle and the plan', () => {
  it('index.js has none of the plan code; plan.js has it, and is small', async () => {
    const index = readFileSync(await buildMiniprogramBundle(), 'utf8');
    const plan = readFileSync(await buildPlanBundle(), 'utf8');
    for (const m of PLAN_MARKERS) {
      expect(index, m).not.toContain(m);
      expect(plan, m).toContain(m);
    }
    // Its own file: not a copy of the SDK (no queue, no request code).
    expect(plan).not.toContain('wx.request');
    expect(plan).not.toContain('setStorageSync');
    const gz = gzipSync(plan, { level: 9 }).length;
    console.log(`miniprogram_dist/plan.js: ${Buffer.byteLength(plan)} B min, ${gz} B min+gzip (not part of index.js)`);
    expect(gz).toBeLessThan(2560);
  }, 60_000);
});
