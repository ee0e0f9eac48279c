// journey.js: an order's way through the pipeline (docs/EVENTS.md, "Journey"), as a
// small horizontal steps view in an expanded entry of the live feed. The notification
// carries the stamps up to `correlated`; GET <orderApi>/orders/{id} has all six (and the
// trace id), so an expanded entry shows the first at once and the second when it came.

import { h, formatNumber } from './format.js';
import { t } from './i18n.js';

/** The hops in pipeline order; the page knows their names in both languages. */
export const HOPS = ['received', 'kafka_acknowledged', 'payment_decided', 'stock_decided', 'correlated', 'notified'];

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * A `timeline` of the API or the notification as [{hop, atUs, elapsedMs}] in pipeline
 * order, unknown hops and malformed entries left out; null when there is none.
 */
export function parseTimeline(value) {
  if (!Array.isArray(value)) return null;
  const byHop = new Map();
  for (const e of value) {
    if (!e || typeof e !== 'object' || !HOPS.includes(e.hop) || !Number.isSafeInteger(e.at_us)) continue;
    byHop.set(e.hop, { hop: e.hop, atUs: e.at_us, elapsedMs: Number.isFinite(e.elapsed_ms) ? e.elapsed_ms : null });
  }
  if (!byHop.size) return null;
  const hops = HOPS.filter((hop) => byHop.has(hop)).map((hop) => byHop.get(hop));
  // elapsed_ms counts from `received` (or the earliest stamp): recompute it when absent.
  const origin = Math.min(...hops.map((x) => x.atUs));
  for (const x of hops) if (x.elapsedMs === null) x.elapsedMs = (x.atUs - origin) / 1000;
  return hops;
}

export function parseTraceId(value) {
  return typeof value === 'string' && TRACE_ID.test(value) ? value : '';
}

/** "12.3 ms": hop times are small, so milliseconds with one decimal below 10. */
export function formatMs(ms) {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const v = Math.abs(ms) < 10 ? Math.round(ms * 10) / 10 : Math.round(ms);
  return t('journey.ms', { ms: formatNumber(v) });
}

/**
 * Where a hop's gap counts from: the latest of the hops before it (in pipeline order)
 * that happened before it. Payment and stock are decided in parallel, so "stock
 * decided" counts from the Kafka acknowledgement, not from a payment decided later.
 */
export function gapOrigin(earlier, hop) {
  const before = earlier.map((x) => x.elapsedMs).filter((ms) => ms <= hop.elapsedMs);
  return before.length ? Math.max(...before) : Math.max(...earlier.map((x) => x.elapsedMs));
}

/**
 * The journey view: `state` is {traceId, hops, source: 'notification'|'api', loading,
 * error}. Each hop as a step: its name, when it happened after `received` and the gap
 * from the hop before; a bar above places the hops on one time axis.
 */
export function renderJourney(state, id) {
  const hops = state.hops ?? [];
  const total = hops.length ? Math.max(...hops.map((x) => x.elapsedMs), 0) : 0;
  const box = h('div', {
    class: 'journey', id, role: 'group', 'aria-label': t('journey.label'),
    dataset: { traceId: state.traceId || '', source: state.source || '', hops: hops.map((x) => x.hop).join(' ') },
  });
  const head = h('div', { class: 'journey__head' },
    h('span', { class: 'journey__title' }, t('journey.title')),
    state.traceId
      ? h('span', { class: 'journey__trace' }, t('journey.trace'), ' ', h('code', { class: 'journey__trace-id' }, state.traceId))
      : null,
    total > 0 ? h('span', { class: 'journey__total' }, t('journey.total', { duration: formatMs(total) })) : null);
  box.append(head);
  if (hops.length) {
    const bar = h('div', { class: 'journey__bar', 'aria-hidden': 'true' });
    for (const x of hops) {
      const mark = h('span', { class: `journey__mark journey__mark--${x.hop}`, title: t(`hop.${x.hop}`) });
      // CSSOM, not a style attribute: the page's CSP allows no inline style.
      mark.style.setProperty('--at', `${total > 0 ? Math.min(100, Math.max(0, (x.elapsedMs / total) * 100)) : 0}%`);
      bar.append(mark);
    }
    box.append(bar);
    const steps = h('ol', { class: 'journey__steps' });
    hops.forEach((x, i) => {
      const gap = i === 0 ? null : x.elapsedMs - gapOrigin(hops.slice(0, i), x);
      steps.append(h('li', { class: 'journey__step', dataset: { hop: x.hop, elapsedMs: String(x.elapsedMs) } },
        h('span', { class: 'journey__hop' }, t(`hop.${x.hop}`)),
        h('span', { class: 'journey__at' }, `+${formatMs(x.elapsedMs)}`),
        h('span', { class: 'journey__gap', title: t('journey.gapTitle') },
          gap === null ? t('journey.start') : t('journey.gap', { duration: formatMs(gap) }))));
    });
    box.append(steps);
  }
  let note = null;
  if (state.error) note = h('p', { class: 'journey__note journey__note--error', role: 'alert' }, state.error);
  else if (state.loading) note = h('p', { class: 'journey__note' }, hops.length ? t('journey.loadingMore') : t('journey.loading'));
  else if (!hops.length) note = h('p', { class: 'journey__note' }, t('journey.none'));
  else if (state.source === 'notification') note = h('p', { class: 'journey__note' }, t('journey.partial'));
  if (note) box.append(note);
  return box;
}
