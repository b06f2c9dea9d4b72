/**
 * The development entry's mini-program build (miniprogram_dist/plan.js: what `require('wetrack/plan')`
 * loads after DevTools' "Build npm"), made like the main bundle (test/qa/build.ts).
 */
import { buildOutput } from '../qa/build';

export const buildPlanBundle = () => buildOutput('miniprogram_dist/plan.js', 'plan-bundle');
