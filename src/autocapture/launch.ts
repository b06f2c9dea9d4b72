import type { EnterOptions } from '../platform/launch';
import { attempt } from '../log';
import type { Properties } from '../types';

/** The share-chain parameter added to shared paths: `wts=<sharer>.<depth>`. */
export const SHARE_PARAM = 'wts';

const decode = (s: string) => attempt(() => decodeURIComponent(s), s)!;

/** Query parameters of a URL or path, decoded. */
export function parseQuery(url: string): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  const q = url.split('#')[0].split('?')[1];
  // Stryker disable next-line ConditionalExpression: an empty pair adds only the key '', which no caller reads (they read utm_*)
  if (q) for (const pair of q.split('&')) if (pair) out[decode(pair.split('=')[0])] = decode(pair.slice(pair.indexOf('=') + 1 || pair.length));
  return out;
}

/**
 * $app_launch properties from WeChat's launch options: scene, path, query, referrer app id,
 * utm_* (from the query, and from the URL inside a scanned code's `q`), the decoded QR `scene`,
 * and the sharer and depth when the app was opened from a shared link.
 */
export function launchProperties(o: EnterOptions): Properties {
  const query = o.query || {};
  const props: Properties = { scene: o.scene, path: o.path, query, referrer_app_id: o.referrerInfo && o.referrerInfo.appId };
  const qrUrl = decode(query.q || '');
  if (qrUrl) props.qr_url = qrUrl;
  if (query.scene) props.qr_scene = decode(query.scene);
  const all = Object.assign(parseQuery(qrUrl), query);
  for (const k in all) if (/^utm_/.test(k)) props[k] = all[k];
  // No parameter: exec tests 'undefined', which does not match.
  const share = /^(\w+)\.(\d+)$/.exec(query[SHARE_PARAM]);
  if (share) {
    props.share_from = share[1];
    props.share_depth = +share[2];
  }
  return props;
}
