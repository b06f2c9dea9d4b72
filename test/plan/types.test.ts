/**
 * `wetrack plan types`: the declaration generated from a plan, compiled by tsc (strict) against a
 * fixture app (fixtures/typed-app/app.mts) that imports the package as an app does ('wetrack',
 * mapped to src/index.ts). Every `@ts-expect-error` line there is an unknown event, a wrong-typed,
 * missing or unlisted property: the compile passes only if each is an error. Compiled without the
 * declaration, the same file must fail with those lines unused, so the errors come from the plan.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTypes } from '../../plan/types';
import type { TrackingPlanFile } from '../../src/plan/shape';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'fixtures/typed-app');
const plan = JSON.parse(readFileSync(path.join(FIXTURE, 'tracking-plan.json'), 'utf8')) as TrackingPlanFile;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-plan-types-'));
  // typed/: the app and the declaration; bare/: the app alone.
  for (const sub of ['typed', 'bare']) {
    mkdirSync(path.join(dir, sub));
    copyFileSync(path.join(FIXTURE, 'app.mts'), path.join(dir, sub, 'app.ts'));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Compiles the app (and the declaration, if written) strictly; returns the diagnostics as `line TScode message`. */
function compile(withTypes: boolean): string[] {
  const at = path.join(dir, withTypes ? 'typed' : 'bare');
  const files = [path.join(at, 'app.ts'), ...(withTypes ? [path.join(at, 'tracking-plan.d.ts')] : [])];
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
    paths: { wetrack: [path.join(ROOT, 'src/index.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    return `${d.file ? path.basename(d.file.fileName) : ''}:${line} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`;
  });
}

const expectErrorLines = () =>
  readFileSync(path.join(FIXTURE, 'app.mts'), 'utf8')
    .split('\n')
    .flatMap((l, i) => (l.trim().startsWith('// @ts-expect-error') ? [i + 1] : []));

describe('wetrack plan types', () => {
  it('generates the augmentation of TrackingPlan: events, required and optional properties, enums, arrays, doc comments', () => {
    const d = generateTypes(plan, 'tracking-plan.json');
    writeFileSync(path.join(dir, 'typed/tracking-plan.d.ts'), d);
    expect(d).toContain("export {};\n\ndeclare module 'wetrack' {\n  interface TrackingPlan {\n");
    expect(d).toContain(
      [
        '    /**',
        '     * A product put into the cart.',
        '     * owner: product team · status: implemented',
        '     */',
        '    add_to_cart: {',
        '      /**',
        '       * matches ^VG-',
        '       * e.g. "VG-101"',
        '       */',
        '      product_code: string;',
        '      /** at least 0 */',
        '      price: number;',
        '      /** an integer, at least 1 */',
        '      quantity: number;',
        '      /** The slot the user came from. */',
        '      from?: string;',
        '      size?: "s" | "m" | "l";',
        '      /** items: at most 8 characters */',
        '      tags?: Array<string>;',
        '      coupon?: string | null;',
        '    };',
      ].join('\n'),
    );
    expect(d).toContain('    open_app: undefined;\n');
    expect(d).toContain('    search: {\n      keyword?: string;\n      /** an integer */\n      page_no?: number;\n    } | undefined;\n');
    expect(d).toContain('     * @deprecated in the tracking plan\n');
    expect(d).toContain('    "weird name ok?": undefined;\n');
    expect(d).toContain('export type PlanUserProperties = {\n  level?: "silver" | "gold";\n  vip?: boolean;\n};');
  });

  it('compiles the fixture app with it: unknown events, wrong, missing and unlisted properties are errors, the rest compiles', () => {
    expect(compile(true)).toEqual([]);
  }, 60_000);

  it('without it, the same app has none of those errors (each @ts-expect-error is unused)', () => {
    const d = compile(false);
    const unused = d.filter((x) => x.includes('TS2578')).map((x) => Number(/^app\.ts:(\d+)/.exec(x)![1]));
    expect(unused).toEqual(expectErrorLines());
    expect(unused.length).toBe(12);
    expect(d.filter((x) => !x.includes('TS2578'))).toEqual([expect.stringMatching(/^app\.ts:7 TS2307 Cannot find module '\.\/tracking-plan'/)]);
  }, 60_000);
});
