/**
 * The `wetrack` command (package.json `bin`; built into dist/cli.cjs, never part of the mini-program
 * bundle; bin/wetrack.cjs calls main()). In this repository: `npm run plan -- check example-miniprogram/tracking-plan.json`
 * (plan/main.ts).
 *
 * Exit codes: 0 done; 1 the plan has errors (each printed with its path and line), or a breaking
 * change with --fail-on-breaking; 2 a usage mistake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { diffPlans, formatDiff } from './diff';
import { planHtml, planMarkdown } from './doc';
import { formatErrors, loadPlan, type LoadedPlan } from './load';
import { generateTypes } from './types';

export const USAGE = `usage: wetrack plan <command>

  wetrack plan check [file]                   check the plan: its JSON, the schema, naming, slots and rules
  wetrack plan types [file] [-o out.d.ts]     the declaration that types wetrack's track() with the plan
  wetrack plan doc [file] -o <dir>            tracking-plan.md and tracking-plan.html, for the review
  wetrack plan diff <old> <new> [--fail-on-breaking]
                                              added, removed and changed events and properties

  file: tracking-plan.json in the current directory unless given.
  Exit codes: 0 done; 1 the plan has errors, or a breaking change with --fail-on-breaking; 2 usage.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Paths are relative to it. Default process.cwd(). */
  cwd?: string;
}

const DEFAULT_FILE = 'tracking-plan.json';

export function main(argv: string[], io: Io = { out: (t) => console.log(t), err: (t) => console.error(t) }): number {
  const cwd = io.cwd ?? process.cwd();
  const usage = (why: string) => {
    io.err(`wetrack: ${why}\n\n${USAGE}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, 'fail-on-breaking': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!positionals.length) return usage('no command');
  const [group, command, ...files] = positionals;
  if (group !== 'plan') return usage(`unknown command ${JSON.stringify(group)}`);

  /** Loads a plan; on errors prints them, each with its path, and gives undefined. */
  const load = (file = DEFAULT_FILE): LoadedPlan | undefined => {
    const loaded = loadPlan(path.resolve(cwd, file));
    loaded.file = file;
    if (loaded.errors.length) {
      io.err(`${formatErrors(loaded)}\n${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'} in ${file}`);
      return undefined;
    }
    return loaded;
  };
  const write = (file: string, text: string) => {
    const to = path.resolve(cwd, file);
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, text);
  };

  switch (command) {
    case 'check': {
      if (files.length > 1) return usage('check takes one file');
      const loaded = load(files[0]);
      if (!loaded) return 1;
      const p = loaded.plan!;
      io.out(`${loaded.file}: ok (${Object.keys(p.events).length} events, ${Object.keys(p.slots ?? {}).length} slots, ${Object.keys(p.superProperties ?? {}).length} super properties, ${Object.keys(p.userProperties ?? {}).length} user properties)`);
      return 0;
    }
    case 'types': {
      if (files.length > 1) return usage('types takes one file');
      const loaded = load(files[0]);
      if (!loaded) return 1;
      const text = generateTypes(loaded.plan!, path.basename(loaded.file));
      if (!values.out) io.out(text);
      else {
        write(values.out, text);
        io.out(`${values.out}: the types of ${Object.keys(loaded.plan!.events).length} events (include it in your tsconfig)`);
      }
      return 0;
    }
    case 'doc': {
      if (files.length > 1) return usage('doc takes one file');
      if (!values.out) return usage('doc needs -o <dir>');
      const loaded = load(files[0]);
      if (!loaded) return 1;
      const source = path.basename(loaded.file);
      write(path.join(values.out, 'tracking-plan.md'), planMarkdown(loaded.plan!, source));
      write(path.join(values.out, 'tracking-plan.html'), planHtml(loaded.plan!, source));
      io.out(`${path.join(values.out, 'tracking-plan.md')}\n${path.join(values.out, 'tracking-plan.html')}`);
      return 0;
    }
    case 'diff': {
      if (files.length !== 2) return usage('diff takes two files: <old> <new>');
      const a = load(files[0]);
      const b = load(files[1]);
      if (!a || !b) return 1;
      const changes = diffPlans(a.plan!, b.plan!);
      io.out(formatDiff(changes, files[0], files[1]));
      return values['fail-on-breaking'] && changes.some((c) => c.breaking) ? 1 : 0;
    }
  }
  return usage(command ? `unknown plan command ${JSON.stringify(command)}` : 'plan needs a command');
}
