// explorer.js: the order-log explorer's query, what operators used Kibana's Discover
// for: a time range (a preset such as the last hour, or a custom from/to) and a status,
// applied to both the list (search-service's GET /search: status, from_time, to_time)
// and the histogram (GET /stats: interval, from, to, status, item). The histogram's
// interval follows the range, so that it has about 30 to 120 buckets.

/** Presets of the range, in ms back from now. */
export const RANGES = { '15m': 15 * 60000, '1h': 3600000, '6h': 6 * 3600000, '24h': 24 * 3600000, '7d': 7 * 86400000 };
export const DEFAULT_RANGE = '1h';
export const STATUSES = ['created', 'confirmed', 'failed'];

/** Intervals /stats takes (1–999 with s, m, h or d), in seconds, smallest first. */
const INTERVALS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];
export const MAX_BUCKETS = 120;

function intervalName(sec) {
  if (sec % 86400 === 0) return `${sec / 86400}d`;
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}

/**
 * The smallest interval that cuts fromMs..toMs into at most MAX_BUCKETS pieces
 * (/stats aligns buckets on the interval from the epoch, so it may answer one more):
 * {name: '1m', ms: 60000}. 15 min → 10 s (90), 1 h → 30 s (120), 6 h → 5 min (72),
 * 24 h → 15 min (96), 7 d → 2 h (84).
 */
export function chooseInterval(fromMs, toMs) {
  const span = Math.max(1, toMs - fromMs);
  const sec = INTERVALS.find((s) => Math.ceil(span / (s * 1000)) <= MAX_BUCKETS) ?? INTERVALS[INTERVALS.length - 1];
  return { name: intervalName(sec), ms: sec * 1000 };
}

/** A datetime-local input's value ("2026-12-02T14:05") as epoch ms; NaN when empty or odd. */
export function parseLocalInput(value) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value ?? '') ? new Date(value).getTime() : NaN;
}

/** Epoch ms as a datetime-local input's value, in the browser's time zone, to the minute. */
export function toLocalInput(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Resolves the filter the user chose into one query for the list and the histogram:
 * {fromMs, toMs, status, interval} or {error: 'i18n key'} for a custom range that is
 * not one. A preset ends now (at the moment of the search, then kept while paging).
 */
export function resolveQuery({ range, customFrom, customTo, status }, nowMs = Date.now()) {
  let fromMs;
  let toMs;
  if (range === 'custom') {
    fromMs = parseLocalInput(customFrom);
    toMs = customTo ? parseLocalInput(customTo) : nowMs;
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return { error: 'explorer.customMissing' };
    if (toMs <= fromMs) return { error: 'explorer.customOrder' };
  } else {
    toMs = nowMs;
    fromMs = nowMs - (RANGES[range] ?? RANGES[DEFAULT_RANGE]);
  }
  return { fromMs, toMs, status: STATUSES.includes(status) ? status : '', interval: chooseInterval(fromMs, toMs) };
}

/** The query string of GET /search for `q` and the item, page size and offset. */
export function searchParams(q, { item, size, from }) {
  const p = new URLSearchParams();
  if (item) p.set('item', item);
  p.set('size', String(size));
  p.set('from', String(from));
  if (q.status) p.set('status', q.status);
  p.set('from_time', new Date(q.fromMs).toISOString());
  p.set('to_time', new Date(q.toMs).toISOString());
  return p;
}

/** The query string of GET /stats for `q` and the item. */
export function statsParams(q, { item }) {
  const p = new URLSearchParams();
  p.set('interval', q.interval.name);
  p.set('from', new Date(q.fromMs).toISOString());
  p.set('to', new Date(q.toMs).toISOString());
  if (q.status) p.set('status', q.status);
  if (item) p.set('item', item);
  return p;
}

/**
 * A /stats answer as the page draws it: {fromMs, toMs, intervalMs, total, statuses,
 * buckets: [{start, total, statuses}]} (starts as epoch ms); null when it is not one.
 */
export function parseStats(body) {
  if (!body || typeof body !== 'object' || !Array.isArray(body.buckets)) return null;
  const counts = (s) => Object.fromEntries(STATUSES.map((k) => [k, Number.isSafeInteger(s?.[k]) ? s[k] : 0]));
  const buckets = body.buckets.map((b) => ({
    start: Date.parse(b?.start),
    total: Number.isSafeInteger(b?.total) ? b.total : 0,
    statuses: counts(b?.statuses),
  })).filter((b) => Number.isFinite(b.start));
  return {
    fromMs: Date.parse(body.from),
    toMs: Date.parse(body.to),
    intervalMs: Number.isSafeInteger(body.interval_ms) ? body.interval_ms : null,
    interval: typeof body.interval === 'string' ? body.interval : '',
    total: Number.isSafeInteger(body.total) ? body.total : buckets.reduce((a, b) => a + b.total, 0),
    statuses: counts(body.statuses),
    buckets,
  };
}
