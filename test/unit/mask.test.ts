import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/mask';

const m = createMasker(undefined);

describe('mask', () => {
  it('tags mainland mobile numbers, resident ids, bank cards and e-mail addresses', () => {
    expect(m.text('13812345678')).toBe('[phone]');
    expect(m.text('+86 13812345678')).toBe('+86 [phone]');
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
    expect(m.text('sku-A13812345678B')).toBe('sku-A13812345678B'); // inside a code
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
