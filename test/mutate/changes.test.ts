/**
 * scripts/mutate-changes.mjs: when the mutation check (npm run mutate:check, .ci/run) may keep a
 * module's committed results without running Stryker. A wrong "nothing changed" would let a change
 * to the code or its tests through unmeasured, so each kind of change is checked, and so is the
 * word the check prints for it.
 */
import { describe, expect, it } from 'vitest';
import { firstChange } from '../../scripts/mutate-changes.mjs';

const report = {
  files: { 'src/a.ts': { source: 'export const a = 1;\n' }, 'src/b.ts': { source: 'export const b = 2;\n' } },
  testFiles: { 'test/unit/a.test.ts': { source: "it('a', () => {});\n" }, 'test/unit/b.test.ts': { source: "it('b', () => {});\n" } },
};
const disk = (): Record<string, string> => ({
  'src/a.ts': 'export const a = 1;\n',
  'src/b.ts': 'export const b = 2;\n',
  'test/unit/a.test.ts': "it('a', () => {});\n",
  'test/unit/b.test.ts': "it('b', () => {});\n",
});
const now = { mutated: ['src/b.ts', 'src/a.ts'], tests: ['test/unit/b.test.ts', 'test/unit/a.test.ts'] };

/** firstChange against `files` on a disk made of them, and the files it read. */
function check(files: Record<string, string>, lists = now, r: Parameters<typeof firstChange>[0] = report) {
  const read: string[] = [];
  const change = firstChange(r, lists, (f) => {
    read.push(f);
    if (!(f in files)) throw new Error(`read a file that is not there: ${f}`);
    return files[f]!;
  });
  return { change, read };
}

describe('firstChange', () => {
  it('finds nothing when every file mutated and every test file is the one recorded, reading each once', () => {
    const { change, read } = check(disk());
    expect(change).toBeNull();
    expect(read.sort()).toEqual(['src/a.ts', 'src/b.ts', 'test/unit/a.test.ts', 'test/unit/b.test.ts']);
  });

  it('names a mutated file whose text changed, by one character or by a line ending', () => {
    expect(check({ ...disk(), 'src/b.ts': 'export const b = 3;\n' }).change).toBe('src/b.ts changed');
    expect(check({ ...disk(), 'src/a.ts': 'export const a = 1;\r\n' }).change).toBe('src/a.ts changed');
  });

  it('names a test file whose text changed', () => {
    expect(check({ ...disk(), 'test/unit/b.test.ts': "it('b', () => { expect(1).toBe(1); });\n" }).change).toBe('test/unit/b.test.ts changed');
  });

  it('names a file added to the module, and a test file added to its tests', () => {
    expect(check({ ...disk(), 'src/c.ts': '' }, { ...now, mutated: [...now.mutated, 'src/c.ts'] }).change).toBe('mutated file src/c.ts added');
    expect(check({ ...disk(), 'test/unit/c.test.ts': '' }, { ...now, tests: [...now.tests, 'test/unit/c.test.ts'] }).change).toBe('test file test/unit/c.test.ts added');
  });

  it('names a mutated file or a test file that is gone', () => {
    expect(check(disk(), { ...now, mutated: ['src/a.ts'] }).change).toBe('mutated file src/b.ts removed');
    expect(check(disk(), { ...now, tests: ['test/unit/b.test.ts'] }).change).toBe('test file test/unit/a.test.ts removed');
  });

  it('counts a test file recorded without its source as changed: there is nothing to compare', () => {
    const r = { ...report, testFiles: { ...report.testFiles, 'test/unit/b.test.ts': {} } };
    expect(check(disk(), now, r).change).toBe('test/unit/b.test.ts recorded without its source');
  });

  it('counts every test file as added when the report records none (a report from before test files were kept)', () => {
    expect(check(disk(), now, { files: report.files }).change).toBe('test file test/unit/a.test.ts added');
  });

  it('names the first change in path order, whatever order the files are listed in', () => {
    const files = { ...disk(), 'src/a.ts': 'changed', 'src/b.ts': 'changed too' };
    expect(check(files, { ...now, mutated: ['src/b.ts', 'src/a.ts'] }).change).toBe('src/a.ts changed');
    expect(check(files, { ...now, mutated: ['src/a.ts', 'src/b.ts'] }).change).toBe('src/a.ts changed');
  });

  it('is not fooled by a file named like a property of every object', () => {
    expect(check({ ...disk(), constructor: '' }, { ...now, mutated: [...now.mutated, 'constructor'] }).change).toBe('mutated file constructor added');
  });
});
