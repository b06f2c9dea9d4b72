import { afterEach, describe, expect, it, vi } from 'vitest';
import corpus from '../fixtures/masking/corpus.json';
import { createMasker } from '../../src/mask';
import { sanitize } from '../../src/sanitize';
import { createTrackerWith } from '../../src/tracker';
import type { TrackedEvent } from '../../src/types';
import { createFakePlatform } from '../support/fake-platform';

const m = createMasker(undefined);

describe('mask', () => {
  it('tags mainland mobile numbers, resident ids, bank cards and e-mail addresses', () => {
    expect(m.text('13812345678')).toBe('[phone]');
    expect(m.text('+86 13812345678')).toBe('[phone]'); // the country code goes with the number
    expect(m.text('8613812345678')).toBe('[phone]');
    expect(m.text('id 11010519491231002X ok')).toBe('id [id] ok');
    expect(m.text('110105194912310021')).toBe('[id]');
    expect(m.text('card 6222021234567890128')).toBe('card [card]'); // passes Luhn
    expect(m.text('4111111111111111')).toBe('[card]');
    expect(m.text('to: someone.x+tag@mail.example.cn.')).toBe('to: [email].');
    expect(m.number(13812345678)).toBe('[phone]');
  });

  it('leaves look-alikes alone', () => {
    expect(m.text('12812345678')).toBe('12812345678'); // 2nd digit 2: not a mobile prefix
    expect(m.text('138123456789')).toBe('138123456789'); // 12 digits
    expect(m.text('4111111111111112')).toBe('4111111111111112'); // fails Luhn
    expect(m.text('sku-13812345678-9')).toBe('sku-[phone]-9'); // letters and dashes may touch a number (uid13812345678)
    expect(m.text('sku-138123456789')).toBe('sku-138123456789'); // but not digits
    expect(m.text('order 2026112500001')).toBe('order 2026112500001');
    expect(m.number(42)).toBe(42);
    expect(m.number(13812345678.5)).toBe(13812345678.5);
  });

  it('matches deny-listed keys as case-insensitive substrings, and takes custom keys', () => {
    expect(['password', 'userPassword', 'ACCESS_TOKEN', 'pwd', 'client_secret', 'Authorization', 'idCard', 'id_card'].every(m.key)).toBe(true);
    expect(['name', 'price', 'sku'].some(m.key)).toBe(false);
    const custom = createMasker({ keys: ['openid', 'a.b'] });
    expect(custom.key('user_openid')).toBe(true);
    expect(custom.key('axb')).toBe(false); // the dot is literal
    expect(custom.key('the a.b key')).toBe(true); // escaped, not dropped
    expect(custom.key('USER_OPENID')).toBe(true); // case-insensitive, like the defaults
    expect(custom.key('password')).toBe(false);
  });

  it('can be turned off, as a whole or for patterns', () => {
    const off = createMasker(false);
    expect(off.key('password')).toBe(false);
    expect(off.text('13812345678')).toBe('13812345678');
    const keysOnly = createMasker({ patterns: false });
    expect(keysOnly.key('password')).toBe(true);
    expect(keysOnly.text('13812345678')).toBe('13812345678');
    expect(createMasker({ keys: [] }).key('anything')).toBe(false);
  });
});

describe('mask corpus (test/fixtures/masking/corpus.json)', () => {
  it('has at least 100 examples, positives and negatives', () => {
    expect(corpus.positives.length + corpus.negatives.length).toBeGreaterThanOrEqual(100);
    expect(corpus.negatives.length).toBeGreaterThanOrEqual(50);
  });

  it('masks every positive exactly as written there: 0 misses', () => {
    const misses = corpus.positives.filter((p) => m.text(p.text) !== p.masked).map((p) => `${p.form}: ${JSON.stringify(p.text)} gave ${JSON.stringify(m.text(p.text))}, expected ${JSON.stringify(p.masked)}`);
    expect(misses).toEqual([]);
  });

  it('leaves every negative as it is: 0 false positives', () => {
    const wrong = corpus.negatives.filter((n) => m.text(n.text) !== n.text).map((n) => `${n.form}: ${JSON.stringify(n.text)} gave ${JSON.stringify(m.text(n.text))}`);
    expect(wrong).toEqual([]);
  });

  it('masks nothing when patterns are off', () => {
    const off = createMasker({ patterns: false });
    expect(corpus.positives.filter((p) => off.text(p.text) !== p.text)).toEqual([]);
  });
});

describe('keys and event names (masked, like values)', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('masks property keys at any depth, and keeps the deny-list on the key as written', () => {
    const notes: string[] = [];
    const out = sanitize({ '13812345678': true, nested: { 'zhangsan@example.com': 1, '4111 1111 1111 1111': 'x' }, list: [{ '110105194912310021': 2 }], password: 'p', sku: 'VG-101' }, m, (p, w) => notes.push(p + ' ' + w));
    expect(out).toEqual({ '[phone]': true, nested: { '[email]': 1, '[card]': 'x' }, list: [{ '[id]': 2 }], password: '***', sku: 'VG-101' });
    expect(notes).toEqual([]);
    expect(sanitize({ '13812345678': 1 }, createMasker(false), () => {})).toEqual({ '13812345678': 1 });
  });

  it('masks event names: track("login_13812345678") is sent as login_[phone]', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T08:00:00Z') });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = createFakePlatform({ page: 'pages/home/index' });
    const t = createTrackerWith(() => fake.platform);
    t.init({ serverUrl: 'http://127.0.0.1:9/collect', batchSize: 2, autocapture: false });
    t.track('login_13812345678', { '+86 138 1234 5678': 'ok' });
    t.track('view_product');
    await vi.advanceTimersByTimeAsync(600);
    fake.pending[0]!.respond({ status: 200 });
    const [a, b] = fake.delivered as TrackedEvent[];
    expect(a).toMatchObject({ name: 'login_[phone]', properties: { '[phone]': 'ok' } });
    expect(b!.name).toBe('view_product');
  });
});
