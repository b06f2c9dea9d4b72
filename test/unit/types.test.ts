/* Compile-time checks of the typed tracking plan: `npm run typecheck` fails if an expected error disappears. */
import { describe, expect, it } from 'vitest';
import wetrack, { createTracker } from '../../src/index';

type Plan = {
  view_product: { product_code: string; price: number };
  add_to_cart: { product_code: string; price: number; quantity: number };
  open_app: undefined;
};

function typedCalls() {
  const t = wetrack.init<Plan>({ serverUrl: 'http://127.0.0.1:1/c' });
  t.track('add_to_cart', { product_code: 'VG-3', price: 12.9, quantity: 1 });
  t.track('open_app');
  // @ts-expect-error unknown event name
  t.track('add_to_card', {});
  // @ts-expect-error wrong property type
  t.track('view_product', { product_code: 'VG-3', price: '9' });
  // @ts-expect-error missing required properties
  t.track('view_product');
  t.time('view_product');
  // @ts-expect-error unknown event name for a timer
  t.time('nope');

  const u = createTracker<Plan>();
  // @ts-expect-error unknown event name
  u.track('other');

  // The untyped default instance takes any name and properties.
  wetrack.track('anything', { a: 1 });
  wetrack.track('anything');
}

describe('typed plan', () => {
  it('compiles (the checks are the @ts-expect-error lines)', () => {
    expect(typeof typedCalls).toBe('function');
  });
});
