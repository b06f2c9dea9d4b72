/**
 * `wetrack plan check|types|doc|diff` (plan/cli.ts): good and bad plans with clear errors, each with
 * its path and line, and exit codes; the review document; the diff and its breaking changes. Run
 * in-process through main(); the last test runs the real `bin` from the package's layout (bin/,
 * dist/cli.cjs built by scripts/build-cli.mjs, schema/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../plan/cli';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = readFileSync(path.join(ROOT, 'example-miniprogram/tracking-plan.json'), 'utf8');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wetrack-plan-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const write = (name: string, plan: unknown) => (writeFileSync(path.join(dir, name), typeof plan === 'string' ? plan : JSON.stringify(plan, null, 2)), name);
/** The error lines of `plan check`, without the file name and the count. */
const errors = (name: string, plan: unknown) => {
  const r = run('plan', 'check', write(name, plan));
  expect(r.code).toBe(1);
  return r.err.split('\n').slice(0, -1).map((l) => l.replace(`${name}:`, ''));
};
const event = (over: Record<string, unknown> = {}) => ({ description: 'd', ...over });

describe('wetrack plan check', () => {
  it('passes the example shop plan, and tracking-plan.json is the default file', () => {
    write('tracking-plan.json', EXAMPLE);
    expect(run('plan', 'check')).toEqual({ code: 0, out: 'tracking-plan.json: ok (5 events, 3 slots, 0 super properties, 1 user properties)', err: '' });
  });

  it('names the line of JSON that does not parse, and a key given twice (JSON.parse would keep the last)', () => {
    expect(errors('a.json', '{\n  "version": 1,\n  "events": {\n    "x": { "description": "d" },\n  }\n}')).toEqual([
      expect.stringMatching(/^5 {2}\(file\) is not JSON: /),
    ]);
    expect(errors('b.json', '{\n  "version": 1,\n  "events": {\n    "buy": { "description": "one" },\n    "buy": { "description": "two" }\n  }\n}')).toEqual(['5  events.buy is given twice (first on line 4): JSON keeps only the last']);
  });

  it('checks the published JSON Schema: fields, types, statuses, version, with paths', () => {
    const lines = errors('schema.json', {
      version: 2,
      events: {
        buy: { owner: 'me', status: 'done', colour: 'red', properties: { price: { type: 'float' }, tags: { type: ['array', 'strin'] }, qty: { required: 'yes' } } },
      },
      slots: { 'home.*': { page: '' } },
      extra: true,
      'x-team': 'fine',
    });
    expect(lines).toEqual([
      '2  version must be 1, got 2',
      '4  events.buy.description is required',
      '6  events.buy.status must be one of "proposed", "approved", "implemented", "verified", "deprecated", got "done"',
      '7  events.buy.colour is not a field of the plan format here (extensions start with x-)',
      '10  events.buy.properties.price.type must be one of "string", "number", "integer", "boolean", "array", "object", "null", got "float"',
      '13  events.buy.properties.tags.type[1] must be one of "string", "number", "integer", "boolean", "array", "object", "null", got "strin"',
      '18  events.buy.properties.qty.type is required',
      '19  events.buy.properties.qty.required must be boolean, got "yes"',
      '26  slots["home.*"].page must not be empty',
      '29  extra is not a field of the plan format here (extensions start with x-)',
    ]);
  });

  it('lints what a schema cannot say: naming, $ names, slots without a page or claimed twice, contradictory rules', () => {
    const lines = errors('lint.json', {
      version: 1,
      events: {
        AddToCart: event(),
        $page_view: event(),
        buy: event({
          properties: {
            Price: { type: 'number' },
            price: { type: 'number', minimum: 5, maximum: 1, pattern: '^x' },
            code: { type: 'string', pattern: '(' },
            size: { type: 'string', enum: ['s', 1] },
            qty: { type: 'integer', examples: [1, 1.5] },
            channel: { type: 'number' },
          },
        }),
      },
      superProperties: { channel: { type: 'string', required: true } },
      userProperties: { level: { type: 'string', required: true } },
      slots: { 'home.banner.*': { description: 'no page' }, 'home.banner.1': { page: 'pages/home/index' }, 'home..x': { page: 'p' }, 'cat.*': { page: 'p', properties: { 'data-wt-code': { type: 'string' } } } },
    });
    expect(lines).toEqual([
      '4  events.AddToCart is not an event name in lower snake case (^[a-z][a-z0-9]*(_[a-z0-9]+)*$, at most 100 characters)',
      '7  events.$page_view starts with $, which is kept for the events the SDK sends (they are known to the plan without being listed)',
      '13  events.buy.properties.Price is not a property name in lower snake case (^[a-z][a-z0-9]*(_[a-z0-9]+)*$, at most 100 characters)',
      '18  events.buy.properties.price.minimum is above maximum (5 > 1): no value can be valid',
      '20  events.buy.properties.price.pattern applies to string values, and the type is number',
      '24  events.buy.properties.code.pattern is not a valid regular expression: Invalid regular expression: /(/u: Unterminated group',
      '28  events.buy.properties.size.enum[1] 1 is not valid for this property: must be string, got 1',
      '35  events.buy.properties.qty.examples[1] 1.5 is not a valid value: must be integer, got 1.5',
      '41  events.buy.properties.channel.type is number, and superProperties.channel is string: one property, two types',
      '49  superProperties.channel.required has no meaning for super properties (events tracked before register() lack them)',
      '55  userProperties.level.required has no meaning for user properties (a $set updates some of them)',
      '59  slots["home.banner.*"].page is missing: every slot says the page it is on (its route, pages/home/index)',
      '62  slots["home.banner.1"] is also matched by slots["home.banner.*"]: one slot, two entries',
      '65  slots["home..x"] is not a slot id: parts of letters, digits, _ and - between dots, `*` for any one part (home.banner.*)',
      '71  slots["cat.*"].properties["data-wt-code"] is not a name $exposure carries: data-wt-code arrives as code, data-wt-campaign-id as campaignId',
    ]);
  });

  it('reports a missing file, and usage mistakes with exit code 2', () => {
    expect(run('plan', 'check', 'nope.json')).toMatchObject({ code: 1, err: 'nope.json  (file) cannot be read: no such file\n1 error in nope.json' });
    expect(run().code).toBe(2);
    expect(run('plan').err).toMatch(/^wetrack: plan needs a command\n\nusage: wetrack plan <command>/);
    expect(run('plan', 'lint').code).toBe(2);
    expect(run('plans', 'check').code).toBe(2);
    expect(run('plan', 'check', '--bogus').err).toMatch(/^wetrack: Unknown option '--bogus'/);
    expect(run('plan', 'doc', 'tracking-plan.json').err).toMatch(/^wetrack: doc needs -o <dir>/);
    expect(run('plan', 'diff', 'tracking-plan.json').code).toBe(2);
    expect(run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('wetrack plan diff <old> <new> [--fail-on-breaking]') });
  });
});

describe('wetrack plan doc', () => {
  it('writes the review document as Markdown and one static HTML page: events, properties, slots, owners, status', () => {
    write('tracking-plan.json', EXAMPLE);
    expect(run('plan', 'doc', '-o', 'review')).toMatchObject({ code: 0, out: 'review/tracking-plan.md\nreview/tracking-plan.html' });
    const md = readFileSync(path.join(dir, 'review/tracking-plan.md'), 'utf8');
    expect(md).toContain('Generated by `wetrack plan doc` from `tracking-plan.json`: 5 events (1 approved, 4 implemented), 3 slots.');
    expect(md).toContain('| [`favourite_product`](#event-favourite_product) | approved | product team | A product added to or removed from the favourites. |');
    expect(md).toContain('| `quantity` | integer | yes | ≥ 1 | Units added by this tap. |  |');
    expect(md).toContain('| `product_code` | string | yes | matches ^VG-[0-9]{3}$ |  | "VG-101" |');
    expect(md).toContain('| `home.banner.*` | `pages/home/index` | implemented | operations | The home page\'s banner swiper, by position. | code: string (matches ^VG-[0-9]{3}$) |');
    const html = readFileSync(path.join(dir, 'review/tracking-plan.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<script');
    expect(html).toContain('<section id="event-add_to_cart"><h3><code>add_to_cart</code> <span class="status s-implemented">implemented</span></h3>');
    expect(html).toContain('<td><code>category.item.*</code></td><td><code>pages/category/index</code></td>');
  });

  it('escapes what the plan says', () => {
    write('x.json', { version: 1, name: '<b>&', events: { e: event({ description: '<script>alert(1)</script> | pipe', owner: '"q"' }) } });
    run('plan', 'doc', 'x.json', '-o', 'x');
    expect(readFileSync(path.join(dir, 'x/tracking-plan.html'), 'utf8')).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | pipe');
    expect(readFileSync(path.join(dir, 'x/tracking-plan.html'), 'utf8')).not.toContain('<script>');
    expect(readFileSync(path.join(dir, 'x/tracking-plan.md'), 'utf8')).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| pipe');
  });
});

describe('wetrack plan diff', () => {
  const base = {
    version: 1,
    events: {
      buy: event({ status: 'implemented', properties: { price: { type: 'integer', minimum: 0 }, size: { type: 'string', enum: ['s', 'm'] }, note: { type: 'string' } } }),
      gone: event(),
      same: event({ properties: { a: { type: 'string' } } }),
    },
    slots: { 'home.*': { page: 'pages/home/index' } },
  };
  const next = {
    version: 1,
    events: {
      buy: event({ status: 'deprecated', additionalProperties: false, properties: { price: { type: 'number', minimum: 1 }, size: { type: 'string', enum: ['s', 'm', 'l'] }, code: { type: 'string', required: true } } }),
      same: event({ properties: { a: { type: 'string' }, b: { type: 'string' } } }),
      fresh: event(),
    },
    slots: { 'home.*': { page: 'pages/index/index' }, 'cat.*': { page: 'pages/cat/index' } },
  };

  it('lists added, removed and changed events, properties and slots, breaking ones marked', () => {
    write('old.json', base);
    write('new.json', next);
    const r = run('plan', 'diff', 'old.json', 'new.json');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'old.json → new.json',
      '  - event gone  BREAKING',
      '  ~ event buy           status "implemented" → "deprecated"',
      '  ~ event buy           additionalProperties true → false  BREAKING',
      '  - property buy.note  BREAKING',
      '  ~ property buy.price  type "integer" → "number"',
      '  ~ property buy.price  minimum 0 → 1  BREAKING',
      '  ~ property buy.size   enum ["s","m"] → ["s","m","l"]',
      '  + property buy.code   required  BREAKING',
      '  + property same.b',
      '  + event fresh',
      '  ~ slot home.*         page pages/home/index → pages/index/index  BREAKING',
      '  + slot cat.*',
      '12 changes, 6 breaking',
    ]);
  });

  it('exits 1 on a breaking change with --fail-on-breaking, 0 without one', () => {
    expect(run('plan', 'diff', 'old.json', 'new.json', '--fail-on-breaking').code).toBe(1);
    write('widened.json', { ...base, events: { ...base.events, buy: event({ status: 'implemented', properties: { price: { type: 'number' }, size: { type: 'string', enum: ['s', 'm', 'l'] }, note: { type: 'string' }, opt: { type: 'boolean' } } }) } });
    const r = run('plan', 'diff', 'old.json', 'widened.json', '--fail-on-breaking');
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/4 changes, 0 breaking$/) });
    expect(run('plan', 'diff', 'old.json', 'old.json')).toEqual({ code: 0, out: 'old.json → old.json: no changes', err: '' });
  });

  it('refuses to compare a plan with errors (exit 1, the errors printed)', () => {
    write('broken.json', { version: 1, events: { Bad: event() } });
    const r = run('plan', 'diff', 'old.json', 'broken.json');
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.json:4  events.Bad is not an event name in lower snake case');
  });
});

describe('the wetrack bin, as the package installs it', () => {
  it('runs from bin/ with dist/cli.cjs (ajv inside) and schema/ beside it', () => {
    const pkg = path.join(dir, 'pkg');
    mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs'), path.join(pkg, 'dist/cli.cjs')], { cwd: ROOT });
    cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    cpSync(path.join(ROOT, 'schema'), path.join(pkg, 'schema'), { recursive: true });
    const bin = (...args: string[]) => spawnSync(process.execPath, [path.join(pkg, 'bin/wetrack.cjs'), ...args], { cwd: dir, encoding: 'utf8' });
    write('tracking-plan.json', EXAMPLE);
    expect(bin('plan', 'check')).toMatchObject({ status: 0, stdout: 'tracking-plan.json: ok (5 events, 3 slots, 0 super properties, 1 user properties)\n' });
    write('bad.json', { version: 1, events: { buy: { properties: {} } } });
    expect(bin('plan', 'check', 'bad.json')).toMatchObject({ status: 1, stderr: 'bad.json:4  events.buy.description is required\n1 error in bad.json\n' });
    expect(bin('plan', 'types', '-o', 'types/plan.d.ts').status).toBe(0);
    expect(readFileSync(path.join(dir, 'types/plan.d.ts'), 'utf8')).toContain("declare module 'wetrack' {");
    expect(bin('nothing').status).toBe(2);
  });
});
