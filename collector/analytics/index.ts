/**
 * The operators' analyses (issue 15), each SQL over the stored events (one file per concern):
 * daily traffic, retention, funnels, channels with LTV, product affinity, A/B, tiers, repurchase and
 * the tap heat map. buildAnalytics runs them all (the report's `analytics`, the dashboard's data);
 * formatAnalytics prints them compactly.
 */
import type { Store } from '../store';
import { ab, type AbOptions, type AbResult } from './ab';
import { affinity, type Affinity } from './affinity';
import { channels, type Channels } from './channels';
import { daily, type DailyRow } from './daily';
import { funnel, SHOP_FUNNEL_DEF, type FunnelDef, type FunnelResult } from './funnel';
import { heatmap, type HeatPage } from './heatmap';
import { repurchase, type Repurchase } from './repurchase';
import { retention, type RetentionRow } from './retention';
import type { AnalyticsOptions } from './sql';
import { tiers, TIERS, type TierRow } from './tiers';

export interface Analytics {
  daily: DailyRow[];
  retention: RetentionRow[];
  funnel: FunnelResult;
  channels: Channels;
  affinity: Affinity;
  ab: AbResult;
  tiers: TierRow[];
  repurchase: Repurchase;
  heatmap: HeatPage[];
}

export interface BuildOptions extends AnalyticsOptions {
  funnel?: FunnelDef;
  ab?: AbOptions;
}

export function buildAnalytics(store: Store, o: BuildOptions = {}): Promise<Analytics> {
  return store.query(async (s) => ({
    daily: await daily(s, o),
    retention: await retention(s, o),
    funnel: await funnel(s, o.funnel ?? SHOP_FUNNEL_DEF),
    channels: await channels(s),
    affinity: await affinity(s),
    ab: await ab(s, o.ab),
    tiers: await tiers(s, o),
    repurchase: await repurchase(s),
    heatmap: await heatmap(s),
  }));
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1) + '%');
const yuan = (x: number) => '¥' + x.toFixed(2);

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => '  ' + r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('   ')).join('\n');
}

/** The analyses as text: a few lines each. */
export function formatAnalytics(a: Analytics): string {
  const d = a.daily;
  const sum = (k: 'pv' | 'newUsers' | 'sessions') => d.reduce((t, r) => t + r[k], 0);
  const ret = (k: number) => {
    const rows = a.retention.filter((r) => r.retained[k] != null);
    const users = rows.reduce((t, r) => t + r.users, 0);
    return users ? pct(rows.reduce((t, r) => t + r.retained[k]!, 0) / users) : '—';
  };
  const ctrl = a.ab.variants.find((v) => !v.diff);
  const rp = a.repurchase;
  const heat = a.heatmap.reduce((t, p) => t + p.taps - p.unplaced, 0);
  return [
    `Daily (${d.length} days, ${d[0]?.day ?? '—'} to ${d[d.length - 1]?.day ?? '—'}): PV ${sum('pv')}, new users ${sum('newUsers')}, sessions ${sum('sessions')}; busiest ${[...d].sort((x, y) => y.pv - x.pv)[0]?.day ?? '—'}`,
    `Retention (installs by first day, all cohorts): day 1 ${ret(1)} · day 3 ${ret(3)} · day 7 ${ret(7)}`,
    `Funnel (${a.funnel.within === 'session' ? 'per session' : `per install, ${a.funnel.within} days`}): ${a.funnel.steps.map((s) => `${s.step} ${s.count}`).join(' → ')} (drop-off ${a.funnel.steps.slice(1).map((s) => s.dropOff).join(', ')})`,
    'Channels (first launch)',
    table(['channel', 'users', 'buy', 'revenue', 'LTV 7d', 'LTV 30d'], a.channels.channels.map((c) => [c.channel, c.users, pct(c.conversion), yuan(c.revenue), yuan(c.ltv7), yuan(c.ltv30)])),
    `  share chain: installs by depth ${a.channels.shareDepth.map((x) => `${x.depth}: ${x.users}`).join(', ') || '—'}; top sharer ${a.channels.sharers[0] ? `${a.channels.sharers[0].sharer} (${a.channels.sharers[0].users})` : '—'}`,
    `Bought together (${a.affinity.orders} orders): ` + (a.affinity.pairs.slice(0, 2).map((p) => `${p.a}+${p.b} ${p.orders} order${p.orders === 1 ? '' : 's'}, support ${pct(p.support)}, confidence ${pct(p.confidenceAB)}/${pct(p.confidenceBA)}, lift ${p.lift.toFixed(2)}`).join('; ') || 'no pairs'),
    `A/B ${a.ab.property} (${a.ab.exposure} → ${a.ab.goal}, 95% Wilson; difference vs ${ctrl?.variant ?? '—'}, Newcombe): ` +
      a.ab.variants.map((v) => `${v.variant} ${v.converted}/${v.users} = ${pct(v.rate)} [${pct(v.low)}, ${pct(v.high)}]` + (v.diff ? `, ${v.diff.value >= 0 ? '+' : ''}${(v.diff.value * 100).toFixed(1)} pts [${(v.diff.low * 100).toFixed(1)}, ${(v.diff.high * 100).toFixed(1)}]${v.diff.low > 0 || v.diff.high < 0 ? ' significant' : ''}` : '')).join('; '),
    `Tiers (whale ≥ ${yuan(TIERS.whaleSpend)}, dormant ${TIERS.dormantDays}+ days): ` + a.tiers.map((t) => `${t.tier} ${t.users}`).join(', '),
    `Repurchase: ${rp.repeatBuyers} of ${rp.buyers} buyers ordered again (${pct(rp.rate)}), ${rp.orders} orders`,
    `Tap heat map: ${heat} placed taps on ${a.heatmap.filter((p) => p.cells.length).length} pages` + (heat ? '' : ' (the SDK does not send tap positions yet)'),
  ].join('\n');
}

export { ab, affinity, channels, daily, funnel, heatmap, repurchase, retention, tiers };
