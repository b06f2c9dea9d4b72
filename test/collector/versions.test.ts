/**
 * compareVersions (collector/coverage.ts) against semver's own precedence example (semver.org, 2.0.0,
 * item 11): the plan coverage's version columns are the newest app versions, so a pre-release must
 * not pass for newer than its release. The general cases (numbers as numbers, text, the empty
 * version) are in coverage.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../collector/coverage';

describe('compareVersions, pre-releases', () => {
  it("orders semver's example chain, from any starting order", () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    expect([...chain].reverse().sort(compareVersions)).toEqual(chain);
    for (let i = 1; i < chain.length; i++) {
      expect(compareVersions(chain[i - 1]!, chain[i]!), `${chain[i - 1]} < ${chain[i]}`).toBeLessThan(0);
      expect(compareVersions(chain[i]!, chain[i - 1]!), `${chain[i]} > ${chain[i - 1]}`).toBeGreaterThan(0);
    }
  });

  it('compares pre-release identifiers that are all digits as numbers: 1.0.0-2 before 1.0.0-10', () => {
    expect(compareVersions('1.0.0-2', '1.0.0-10')).toBeLessThan(0);
    expect(compareVersions('1.0-9', '1.0-10')).toBeLessThan(0);
  });

  it('reads 01 as 1 and goes on to the next part', () => {
    expect(compareVersions('01.5', '1.2')).toBeGreaterThan(0);
    expect(compareVersions('1.02-rc.3', '1.2-rc.10')).toBeLessThan(0);
  });

  it("reads a version that starts with '-' as a pre-release of the empty version, before it", () => {
    expect(compareVersions('-rc', '')).toBeLessThan(0);
    expect(compareVersions('', '-rc')).toBeGreaterThan(0);
  });
});
