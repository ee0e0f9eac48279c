// app.js: wires the page together: live feed (with each order's journey), stats and
// chart, the new-order form, the pipeline panel, the search table with its histogram,
// the settings dialog and the EN | VI switch. The logic that tests care about lives in
// feed.js (reconnect, dedupe), validate.js (order rules), chart.js, journey.js,
// pipeline.js and explorer.js; every word comes from i18n.js. Whatever a script writes is written by a function that
// can run again, so that switching the language re-renders it (LANGUAGE_EVENT).

import { apiUrl, loadSettings, saveSettings } from './config.js';
import { FeedConnection, FeedStore } from './feed.js';
import { HistogramChart, OutcomeChart, OutcomeSeries } from './chart.js';
import { parseTimeline, parseTraceId, renderJourney } from './journey.js';
import { REFRESH_MS as PIPELINE_REFRESH_MS, lagView, renderPipeline } from './pipeline.js';
import {
  DEFAULT_RANGE, parseStats, resolveQuery, searchParams, statsParams, toLocalInput,
} from './explorer.js';
import { validateOrder, suggestOrderId, MAX_ORDER_ID } from './validate.js';
import {
  h, formatClock, formatTime, formatFullTime, isoTime, formatNumber, formatPercent, formatDuration, statusBadge,
} from './format.js';
import {
  LANGUAGES, LANGUAGE_EVENT, NATIVE_NAMES, language, setLanguage, t, tNodes,
} from './i18n.js';

const $ = (id) => document.getElementById(id);
const CHART_WINDOW_SEC = 300;
const REQUEST_TIMEOUT_MS = 20000;

let settings = loadSettings();

// ------------------------------------------------------------------ HTTP helpers

/**
 * fetch() with a timeout; resolves {status, ok, body, text} or rejects with a readable
 * Error. `api` is the i18n key naming the API ('net.orderApi', 'net.searchApi').
 */
async function request(url, options = {}, api) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { ...options, signal: controller.signal, cache: 'no-store' });
  } catch (e) {
    const origin = (() => {
      try {
        return new URL(url, location.href).origin;
      } catch {
        return url;
      }
    })();
    const err = new Error(controller.signal.aborted
      ? t('net.timeout', { api: t(api), origin, seconds: formatNumber(REQUEST_TIMEOUT_MS / 1000) })
      : t('net.unreachable', { api: t(api), origin, page: location.origin }));
    err.network = true;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, statusText: response.statusText, ok: response.ok, body, text };
}

function errorMessage(result) {
  if (result.body && typeof result.body.error === 'string') return result.body.error;
  if (result.text) return result.text.slice(0, 300);
  return result.statusText || t('net.noDetails');
}

// ------------------------------------------------------------------ live feed

const store = new FeedStore({ limit: 500 });
const series = new OutcomeSeries(CHART_WINDOW_SEC);
const chart = new OutcomeChart($('chart'), series);
const nodes = new Map(); // orderId -> <li>
const counts = { confirmed: 0, failed: 0 };
const latencies = []; // the most recent decision times, ms
const knownItems = new Map(); // item -> last seen (for the datalist)
const pendingOrders = new Map(); // orderId -> callback(entry), orders created from this page
let feedFilter = { status: 'all', text: '' };

const feedList = $('feed');

function entryMatches(li) {
  if (feedFilter.status !== 'all' && li.dataset.status !== feedFilter.status) return false;
  if (feedFilter.text && !li.dataset.search.includes(feedFilter.text)) return false;
  return true;
}

function applyFilter(li) {
  li.hidden = !entryMatches(li);
}

function refreshFeedChrome() {
  const total = store.entries.length;
  $('feed-empty').hidden = total > 0;
  let visible = 0;
  for (const li of feedList.children) if (!li.hidden) visible += 1;
  $('feed-none').hidden = total === 0 || visible > 0;
  const n = counts.confirmed + counts.failed;
  $('feed-count').textContent = t('feed.count', { n, count: formatNumber(n) })
    + (visible !== total ? ` · ${t('feed.shown', { count: formatNumber(visible) })}` : '');
}

function renderEntry(e, fresh) {
  const latency = e.createdAt !== null && e.notifiedAt !== null ? e.notifiedAt - e.createdAt : null;
  const when = e.notifiedAt ?? e.receivedAt;
  const meta = h('div', { class: 'entry__meta' },
    h('span', { class: 'entry__id', title: t('feed.orderId') }, `#${e.orderId}`),
    latency !== null && latency >= 0
      ? h('span', { class: 'entry__latency', title: t('feed.latencyTitle') }, t('feed.decidedIn', { duration: formatDuration(latency) }))
      : null,
    e.backlog
      ? h('span', { class: 'tag', title: t('feed.backlogTitle') }, t('feed.backlog'))
      : null,
    h('button', {
      type: 'button', class: 'entry__toggle', title: t('feed.journeyTitle'),
      'aria-expanded': String(expanded.has(e.orderId)), 'aria-controls': `journey-${e.orderId}`,
    }, t('feed.journey')));
  const li = h('li', {
    class: `entry entry--${e.status}${e.backlog ? ' entry--backlog' : ''}${fresh ? ' entry--fresh' : ''}${expanded.has(e.orderId) ? ' entry--expanded' : ''}`,
    dataset: {
      orderId: String(e.orderId),
      status: e.status,
      backlog: e.backlog ? 'true' : 'false',
      search: `${e.item} #${e.orderId} ${e.orderId}`.toLowerCase(),
    },
  },
  statusBadge(e.status),
  h('div', { class: 'entry__main' },
    h('div', { class: 'entry__title' },
      e.item ? h('span', { class: 'entry__item', translate: 'no' }, e.item) : h('span', { class: 'entry__item' }, t('feed.noItem')),
      h('span', { class: 'entry__qty' }, `× ${formatNumber(e.quantity)}`)),
    meta,
    // The service's own words (English, by contract).
    e.status === 'failed' && e.reason ? h('p', { class: 'entry__reason', translate: 'no', lang: 'en' }, e.reason) : null),
  h('time', { class: 'entry__time', datetime: isoTime(when), title: formatFullTime(when) }, formatTime(when)),
  expanded.has(e.orderId) ? journeyBox(e.orderId) : null);
  return li;
}

// ------------------------------------------------------------------ an order's journey

const expanded = new Set(); // order ids whose journey is shown
const journeys = new Map(); // orderId -> {traceId, hops, source, loading, error: () => text}

function journeyBox(orderId) {
  const state = journeys.get(orderId) ?? { hops: null, loading: true };
  return renderJourney({ ...state, error: state.error ? state.error() : '' }, `journey-${orderId}`);
}

/** Redraws the journey of an entry in place (it may have loaded while shown). */
function showJourney(orderId) {
  const li = nodes.get(orderId);
  if (!li) return;
  li.querySelector(':scope > .journey')?.remove();
  const open = expanded.has(orderId);
  li.classList.toggle('entry--expanded', open);
  li.querySelector('.entry__toggle')?.setAttribute('aria-expanded', String(open));
  if (open) li.append(journeyBox(orderId));
}

/**
 * GET /orders/{id} for the whole journey. `notified` is stamped once Kafka stored the
 * notification, which can be a moment after the feed pushed it: asked again a few times.
 */
async function loadJourney(orderId, attempt = 1) {
  const state = journeys.get(orderId);
  try {
    const r = await request(apiUrl(settings.orderApi, `/orders/${orderId}`), { headers: { Accept: 'application/json' } }, 'net.orderApi');
    if (r.ok) {
      const hops = parseTimeline(r.body?.timeline);
      Object.assign(state, {
        traceId: parseTraceId(r.body?.trace_id) || state.traceId,
        hops: hops ?? state.hops,
        source: hops ? 'api' : state.source,
        loading: false,
        error: null,
      });
      if (hops && !hops.some((x) => x.hop === 'notified') && attempt < 4) {
        state.loading = true;
        setTimeout(() => loadJourney(orderId, attempt + 1), 700 * attempt);
      }
    } else {
      const message = errorMessage(r);
      Object.assign(state, {
        loading: false,
        error: r.status === 404 ? () => t('journey.notFound') : () => t('journey.httpError', { status: r.status, message }),
      });
    }
  } catch (e) {
    const message = e.message;
    Object.assign(state, { loading: false, error: () => message });
  }
  showJourney(orderId);
}

function toggleJourney(orderId) {
  if (expanded.has(orderId)) {
    expanded.delete(orderId);
  } else {
    expanded.add(orderId);
    const known = journeys.get(orderId);
    if (!known || known.error || (!known.loading && known.source !== 'api')) {
      // The notification's stamps (up to `correlated`) at once, the API's when they come.
      const entry = store.entries.find((x) => x.orderId === orderId);
      journeys.set(orderId, {
        traceId: entry?.traceId ?? '',
        hops: entry?.timeline ?? null,
        source: entry?.timeline ? 'notification' : '',
        loading: true,
        error: null,
      });
      loadJourney(orderId);
    }
  }
  showJourney(orderId);
}

// A click on an entry (not on its journey, where text is selected) or on its button
// toggles the journey; the button is the keyboard's way (Enter, Space).
feedList.addEventListener('click', (ev) => {
  const li = ev.target.closest('.entry');
  if (!li || ev.target.closest('.journey')) return;
  if (!ev.target.closest('.entry__toggle') && window.getSelection?.().toString()) return;
  toggleJourney(Number(li.dataset.orderId));
});

let chromeScheduled = false;
function scheduleChrome() {
  if (chromeScheduled) return;
  chromeScheduled = true;
  requestAnimationFrame(() => {
    chromeScheduled = false;
    refreshFeedChrome();
    refreshStats();
    chart.draw();
    refreshDatalist();
  });
}

// The replay on connect is up to 100 entries at once: keep screen readers from
// announcing each one (aria-busy), then let the live region speak again.
let busyTimer = null;
function markReplay() {
  feedList.setAttribute('aria-busy', 'true');
  clearTimeout(busyTimer);
  busyTimer = setTimeout(() => feedList.setAttribute('aria-busy', 'false'), 600);
}

function onNotification(n) {
  if (n.backlog) markReplay();
  const added = store.add(n);
  if (!added) return; // already shown (backlog replay after a reconnect, or live + backlog)
  const { entry, index, evicted } = added;
  counts[entry.status] += 1;
  if (entry.createdAt !== null && entry.notifiedAt !== null && entry.notifiedAt >= entry.createdAt) {
    latencies.push(entry.notifiedAt - entry.createdAt);
    if (latencies.length > 1000) latencies.splice(0, latencies.length - 1000);
  }
  series.add(entry.status, entry.notifiedAt ?? entry.receivedAt);
  if (entry.item) {
    knownItems.delete(entry.item);
    knownItems.set(entry.item, entry.receivedAt);
    if (knownItems.size > 200) knownItems.delete(knownItems.keys().next().value);
  }
  for (const old of evicted) {
    nodes.get(old.orderId)?.remove();
    nodes.delete(old.orderId);
  }
  if (index >= 0) {
    const li = renderEntry(entry, !entry.backlog);
    applyFilter(li);
    const before = feedList.children[index] ?? null;
    feedList.insertBefore(li, before);
    nodes.set(entry.orderId, li);
  }
  pendingOrders.get(entry.orderId)?.(entry);
  updateSearchRow(entry);
  scheduleChrome();
}

function setFilter(status, text = feedFilter.text) {
  feedFilter = { status, text: text.trim().toLowerCase().replace(/^#/, '') };
  for (const chip of document.querySelectorAll('.chip')) {
    chip.setAttribute('aria-pressed', String(chip.dataset.filter === status));
  }
  for (const li of feedList.children) applyFilter(li);
  refreshFeedChrome();
}

for (const chip of document.querySelectorAll('.chip')) {
  chip.addEventListener('click', () => setFilter(chip.dataset.filter));
}
$('feed-filter').addEventListener('input', (ev) => setFilter(feedFilter.status, ev.target.value));

// ------------------------------------------------------------------ stats and chart

function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function refreshStats() {
  const total = counts.confirmed + counts.failed;
  $('stat-confirmed').textContent = formatNumber(counts.confirmed);
  $('stat-failed').textContent = formatNumber(counts.failed);
  $('stat-rate').textContent = total ? formatPercent(counts.confirmed / total, total >= 1000) : '–';
  const minute = series.totals(Date.now(), 60);
  $('stat-minute').textContent = formatNumber(minute.confirmed + minute.failed);
  $('stat-latency').textContent = formatDuration(median(latencies));
  const win = series.totals(Date.now());
  $('legend-confirmed').textContent = formatNumber(win.confirmed);
  $('legend-failed').textContent = formatNumber(win.failed);
  $('chart-hint').textContent = chart.secondsPerBar > 1
    ? t('chart.windowBars', { seconds: formatNumber(chart.secondsPerBar) }) : t('chart.window');
  $('chart').setAttribute('aria-label', win.confirmed + win.failed
    ? t('chart.summary', { confirmed: formatNumber(win.confirmed), failed: formatNumber(win.failed), peak: formatNumber(win.peak) })
    : t('chart.empty'));
}

let lastDatalist = '';
function refreshDatalist() {
  const items = [...knownItems.keys()].reverse().slice(0, 30);
  const key = items.join('\u0000');
  if (key === lastDatalist) return;
  lastDatalist = key;
  $('known-items').replaceChildren(...items.map((item) => h('option', { value: item })));
}

setInterval(() => {
  chart.draw();
  refreshStats();
}, 1000);

// ------------------------------------------------------------------ connection state

let connection = null;
let countdownTimer = null;
let lastConnection = { state: 'connecting', attempt: 0 };

function showConnection(detail) {
  lastConnection = detail;
  const conn = $('conn');
  conn.dataset.state = detail.state;
  const label = $('conn-label');
  const info = $('conn-detail');
  clearInterval(countdownTimer);
  countdownTimer = null;
  $('conn-retry').hidden = detail.state !== 'closed';
  $('feed-banner').hidden = detail.state === 'open' || (detail.state === 'connecting' && !detail.attempt);
  if (detail.state === 'open') {
    label.textContent = t('conn.live');
    info.textContent = t('conn.connectedAt', { time: formatTime(detail.since) });
    $('conn-announce').textContent = t('conn.announceOpen');
    document.title = t('page.title');
  } else if (detail.state === 'connecting') {
    label.textContent = detail.attempt ? t('conn.reconnecting') : t('conn.connecting');
    info.textContent = detail.attempt ? t('conn.attempt', { n: formatNumber(detail.attempt + 1) }) : t('conn.liveFeed');
    document.title = t('page.title');
  } else {
    label.textContent = t('conn.disconnected');
    const tick = () => {
      const left = detail.retryAt ? Math.max(0, Math.ceil((detail.retryAt - Date.now()) / 1000)) : null;
      info.textContent = left === null ? t('conn.notRetrying') : t('conn.retryingIn', { seconds: formatNumber(left) });
    };
    tick();
    countdownTimer = setInterval(tick, 250);
    if (detail.attempt <= 1) $('conn-announce').textContent = t('conn.announceClosed');
    document.title = t('page.titleDisconnected');
  }
}

function startFeed() {
  connection?.stop();
  connection = new FeedConnection(settings.feedUrl);
  connection.addEventListener('state', (ev) => showConnection(ev.detail));
  connection.addEventListener('notification', (ev) => onNotification(ev.detail));
  connection.start();
  $('feed-url').textContent = settings.feedUrl;
}

$('conn-retry').addEventListener('click', () => connection?.reconnectNow());
// Coming back online or to the tab: don't sit out a long backoff.
window.addEventListener('online', () => connection?.reconnectNow());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') connection?.reconnectNow();
});

// ------------------------------------------------------------------ new order form

const form = $('order-form');
const fieldInputs = { order_id: $('order-id'), item: $('order-item'), quantity: $('order-quantity') };
const fieldErrors = { order_id: $('order-id-error'), item: $('order-item-error'), quantity: $('order-quantity-error') };

function setFieldError(name, message) {
  const input = fieldInputs[name];
  const out = fieldErrors[name];
  if (!input || !out) return;
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    out.textContent = message;
    out.hidden = false;
  } else {
    input.removeAttribute('aria-invalid');
    out.textContent = '';
    out.hidden = true;
  }
}

function formValues() {
  return { order_id: fieldInputs.order_id.value, item: fieldInputs.item.value, quantity: fieldInputs.quantity.value };
}

function newOrderId() {
  fieldInputs.order_id.value = String(suggestOrderId());
  setFieldError('order_id', '');
}

$('order-id-new').addEventListener('click', () => {
  newOrderId();
  fieldInputs.order_id.focus();
});

// Re-check a field once the user leaves it or fixes it, not while first typing. Not
// when the user leaves it by pressing one of the form's buttons: a message appearing
// then would move the button away from under the pointer between press and release,
// and the click would be lost (the submit validates everything anyway).
let pressingButton = false;
form.addEventListener('pointerdown', (ev) => {
  if (ev.target.closest('button')) pressingButton = true;
});
document.addEventListener('pointerup', () => setTimeout(() => { pressingButton = false; }, 0));
for (const [name, input] of Object.entries(fieldInputs)) {
  const check = () => setFieldError(name, validateOrder(formValues()).errors[name] ?? '');
  input.addEventListener('blur', (ev) => {
    if (pressingButton || ev.relatedTarget?.closest?.('#order-form button')) return;
    if (input.value !== '' || input.hasAttribute('aria-invalid')) check();
  });
  input.addEventListener('input', () => {
    if (input.hasAttribute('aria-invalid')) check();
  });
}

function setBusy(button, busy) {
  button.disabled = busy;
  button.classList.toggle('is-busy', busy);
  button.setAttribute('aria-busy', String(busy));
}

// The result box is drawn by a function, kept to draw it again in another language.
let lastResult = null;
function showResult(kind, render) {
  lastResult = { kind, render };
  const box = $('order-result');
  box.className = `result result--${kind}`;
  box.replaceChildren(...render());
  box.hidden = false;
}

/** Turns the waiting line of the result box into the order's outcome. */
function showOutcome(slot, entry) {
  const latency = entry.createdAt !== null && entry.notifiedAt !== null ? entry.notifiedAt - entry.createdAt : null;
  slot.className = `result__outcome result__outcome--${entry.status}`;
  if (entry.status === 'confirmed') {
    slot.replaceChildren(statusBadge(entry.status),
      ` ${t('order.confirmedAt', { time: formatTime(entry.notifiedAt ?? entry.receivedAt) })}`
      + (latency !== null ? `, ${t('order.decidedIn', { duration: formatDuration(latency) })}` : ''));
  } else {
    slot.replaceChildren(statusBadge(entry.status), ' ',
      entry.reason ? h('span', { translate: 'no', lang: 'en' }, entry.reason) : t('order.noReason'));
  }
}

async function checkOrderStatus(orderId, slot) {
  slot.replaceChildren(h('span', { class: 'muted' }, t('order.asking')));
  try {
    const r = await request(apiUrl(settings.orderApi, `/orders/${orderId}`), { headers: { Accept: 'application/json' } }, 'net.orderApi');
    if (!r.ok) {
      slot.replaceChildren(`HTTP ${r.status}: ${errorMessage(r)}`);
      return;
    }
    const status = r.body?.status;
    slot.replaceChildren(statusBadge(status), ' ',
      r.body?.reason ? h('span', { translate: 'no', lang: 'en' }, r.body.reason) : `(GET /orders/${orderId})`);
  } catch (e) {
    slot.replaceChildren(e.message);
  }
}

function trackOutcome(orderId, slot) {
  let waitTimer = null;
  const done = (entry) => {
    clearTimeout(waitTimer);
    pendingOrders.delete(orderId);
    showOutcome(slot, entry);
  };
  const existing = store.entries.find((e) => e.orderId === orderId);
  if (existing) {
    done(existing);
    return;
  }
  if (store.has(orderId)) {
    // Known but scrolled out of the kept entries: it was decided long ago.
    slot.replaceChildren(t('order.decidedEarlier'));
    return;
  }
  pendingOrders.set(orderId, done);
  waitTimer = setTimeout(() => {
    if (!pendingOrders.has(orderId)) return;
    const check = h('button', { type: 'button', class: 'btn btn--small btn--ghost' }, t('order.checkStatus'));
    const out = h('span', { class: 'result__check' });
    check.addEventListener('click', () => checkOrderStatus(orderId, out));
    slot.replaceChildren(`${t('order.noOutcomeYet')} `, check, ' ', out);
  }, 15000);
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const { order, errors } = validateOrder(formValues());
  for (const name of Object.keys(fieldInputs)) setFieldError(name, errors[name] ?? '');
  const firstBad = Object.keys(fieldInputs).find((name) => errors[name]);
  if (firstBad) {
    fieldInputs[firstBad].focus();
    const bad = Object.keys(errors).length;
    showResult('error', () => [h('strong', {}, t('order.fixFields', { n: bad })), h('p', {}, t('order.nothingSent'))]);
    return;
  }
  const button = $('order-submit');
  setBusy(button, true);
  showResult('pending', () => [h('strong', {}, t('order.sending', { id: order.order_id }))]);
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (settings.token) headers.Authorization = `Bearer ${settings.token}`;
  try {
    const r = await request(apiUrl(settings.orderApi, '/create_order'),
      { method: 'POST', headers, body: JSON.stringify(order) }, 'net.orderApi');
    if (r.ok) {
      showResult('ok', () => {
        const slot = h('p', { class: 'result__outcome result__outcome--waiting' },
          h('span', { class: 'dots', 'aria-hidden': 'true' }), t('order.waiting'));
        trackOutcome(order.order_id, slot);
        return [
          h('strong', {}, t('order.accepted', { id: order.order_id })),
          h('p', { class: 'result__meta' },
            h('span', { translate: 'no' }, order.item), ` × ${formatNumber(order.quantity)} · HTTP ${r.status} · `,
            // The API's answer, as it came (English, by contract).
            h('code', { lang: 'en' }, r.body?.message ?? r.text)),
          slot,
        ];
      });
      // Ready for the next order: same item and quantity, a fresh id.
      newOrderId();
    } else {
      const field = r.body && typeof r.body.field === 'string' ? r.body.field : '';
      if (field && fieldInputs[field]) setFieldError(field, errorMessage(r));
      const advice = [409, 413, 401, 403, 503].includes(r.status) ? `order.advice${r.status}` : null;
      // The status line and the message are the API's (English, by contract).
      showResult('error', () => [
        h('strong', { lang: 'en' }, `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`),
        h('p', {}, h('span', { lang: 'en' }, errorMessage(r)),
          field ? h('span', { class: 'muted' }, ` ${t('order.field', { field })}`) : null),
        advice ? h('p', { class: 'muted' }, t(advice)) : null,
      ]);
    }
  } catch (e) {
    // A network failure: our words, in the language shown when it happened.
    const message = e.message;
    showResult('error', () => [h('strong', {}, t('order.notSent')), h('p', {}, message)]);
  } finally {
    setBusy(button, false);
  }
});

// ------------------------------------------------------------------ search

const search = { item: '', size: 25, from: 0, busy: false, again: false, lastCount: 0, query: null };
const searchBody = $('search-body');

function searchRow(o) {
  const ts = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
  const status = typeof o.status === 'string' && o.status ? o.status : '';
  return h('tr', { dataset: { orderId: String(o.order_id) } },
    h('td', { class: 'mono' }, `#${o.order_id}`),
    h('td', { class: 'cell-item', translate: 'no' }, String(o.item ?? '')),
    h('td', { class: 'num mono' }, formatNumber(o.quantity)),
    h('td', { class: 'cell-status' },
      status ? statusBadge(status) : h('span', { class: 'muted' }, '–'),
      o.reason ? h('span', { class: 'cell-reason', translate: 'no', lang: 'en' }, String(o.reason)) : null),
    h('td', { class: 'cell-time' },
      Number.isFinite(ts) ? h('time', { datetime: isoTime(ts), title: formatFullTime(ts) }, formatTime(ts)) : '–'));
}

/** An outcome arriving live updates the status of that order in the results. */
function updateSearchRow(entry) {
  const row = searchBody.querySelector(`tr[data-order-id="${entry.orderId}"]`);
  if (!row) return;
  const cell = row.querySelector('.cell-status');
  cell.replaceChildren(statusBadge(entry.status));
  if (entry.reason) cell.append(h('span', { class: 'cell-reason', translate: 'no', lang: 'en' }, entry.reason));
}

// The search status and table are drawn from what was found, to be drawn again in
// another language.
let lastSearch = { status: () => t('search.prompt'), rows: [] };
function showSearch(status, rows = lastSearch.rows) {
  lastSearch = { status, rows };
  $('search-status').textContent = status();
  searchBody.replaceChildren(...rows.map(searchRow));
  $('search-caption').textContent = search.item ? t('search.captionFor', { item: search.item }) : t('search.caption');
}

async function runSearch() {
  if (search.busy) {
    search.again = true; // the filters changed meanwhile: search again when this one is done
    return;
  }
  search.busy = true;
  const button = $('search-submit');
  setBusy(button, true);
  $('search-prev').disabled = true;
  $('search-next').disabled = true;
  const params = searchParams(search.query, search);
  const { item, from } = search;
  try {
    const r = await request(apiUrl(settings.searchApi, `/search?${params}`), { headers: { Accept: 'application/json' } }, 'net.searchApi');
    if (!r.ok || !Array.isArray(r.body)) {
      const message = errorMessage(r);
      showSearch(r.ok ? () => t('search.notList') : () => t('search.failed', { status: r.status, message }), []);
      search.lastCount = 0;
      return;
    }
    const rows = r.body.filter((o) => o && typeof o === 'object');
    search.lastCount = rows.length;
    if (!rows.length) {
      showSearch(from > 0
        ? () => (item ? t('search.noMoreFor', { item }) : t('search.noMore'))
        : () => (item ? t('search.noneFor', { item }) : t('search.noneYet')), rows);
    } else {
      showSearch(() => t(item ? 'search.rangeFor' : 'search.range',
        { from: formatNumber(from + 1), to: formatNumber(from + rows.length), item }), rows);
    }
  } catch (e) {
    search.lastCount = 0;
    const message = e.message;
    showSearch(() => message, []);
  } finally {
    search.busy = false;
    setBusy(button, false);
    $('search-prev').disabled = search.from === 0;
    $('search-next').disabled = search.lastCount < search.size;
    if (search.again) {
      search.again = false;
      runSearch();
    }
  }
}

/**
 * A new search from the form: the item, the time range (a preset ends now) and the
 * status, for the list and the histogram alike. False when the custom range is not one.
 */
function submitSearch() {
  const q = resolveQuery({
    range: $('search-range').value,
    customFrom: $('search-from').value,
    customTo: $('search-to').value,
    status: $('search-state').value,
  });
  const error = $('search-error');
  error.hidden = !q.error;
  error.textContent = q.error ? t(q.error) : '';
  error.dataset.key = q.error ?? '';
  if (q.error) return false;
  search.item = $('search-item').value.trim();
  search.size = Number($('search-size').value) || 25;
  search.from = 0;
  search.query = q;
  runSearch();
  runStats(q, search.item);
  return true;
}

$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  submitSearch();
});
/** The custom from/to fields are there for a custom range only. */
function showCustomRange() {
  const custom = $('search-range').value === 'custom';
  $('search-custom-from').hidden = !custom;
  $('search-custom-to').hidden = !custom;
  return custom;
}

$('search-range').addEventListener('change', () => {
  if (showCustomRange()) {
    // Start from the range shown so far, to be narrowed.
    const q = search.query ?? resolveQuery({ range: DEFAULT_RANGE });
    if (!$('search-from').value) $('search-from').value = toLocalInput(q.fromMs);
    $('search-from').focus();
    return;
  }
  submitSearch();
});
$('search-state').addEventListener('change', () => submitSearch());
$('search-prev').addEventListener('click', () => {
  search.from = Math.max(0, search.from - search.size);
  runSearch();
});
$('search-next').addEventListener('click', () => {
  search.from += search.size;
  runSearch();
});

// ------------------------------------------------------------------ pipeline (consumer lag)

const pipelineParts = { list: $('pipeline-groups'), status: $('pipeline-status'), note: $('pipeline-note') };
let lastPipeline = { view: lagView({}), waiting: true };

function showPipeline() {
  renderPipeline(pipelineParts, lastPipeline);
}

async function refreshPipeline() {
  try {
    // notifier-service serves the page: its /kafka/lag is on the page's own origin.
    const r = await request('/kafka/lag', { headers: { Accept: 'application/json' } }, 'net.notifier');
    if (r.ok && r.body && Array.isArray(r.body.groups)) {
      lastPipeline = { view: lagView(r.body) };
    } else {
      const message = errorMessage(r);
      lastPipeline = { failure: `HTTP ${r.status}: ${message}` };
    }
  } catch (e) {
    lastPipeline = { failure: e.message };
  }
  showPipeline();
  setTimeout(refreshPipeline, PIPELINE_REFRESH_MS);
}

// ------------------------------------------------------------------ histogram (order-log explorer)

const histogram = new HistogramChart($('histogram'));
let lastStats = { kind: 'none' };
let statsSeq = 0;

function showStats() {
  const box = $('explorer');
  const out = $('explorer-status');
  const s = lastStats.stats;
  const counts = s ? s.statuses : { created: 0, confirmed: 0, failed: 0 };
  for (const k of ['created', 'confirmed', 'failed']) $(`hist-${k}`).textContent = formatNumber(counts[k]);
  $('hist-total').textContent = formatNumber(s ? s.total : 0);
  box.dataset.total = s ? String(s.total) : '';
  box.dataset.query = lastStats.query ?? '';
  box.dataset.state = lastStats.kind;
  out.hidden = lastStats.kind !== 'error';
  out.textContent = lastStats.kind === 'error' ? lastStats.message() : '';
  if (!s) {
    $('explorer-hint').textContent = '';
    $('histogram').setAttribute('aria-label', lastStats.kind === 'error' ? lastStats.message() : t('explorer.title'));
    histogram.show(null);
    return;
  }
  const withDay = s.toMs - s.fromMs >= 86400000;
  const from = formatClock(s.fromMs, withDay);
  const to = formatClock(s.toMs, withDay);
  const interval = formatDuration(s.intervalMs);
  $('explorer-hint').textContent = t('explorer.hint', { from, to, interval });
  const peak = Math.max(0, ...s.buckets.map((b) => b.total));
  $('histogram').setAttribute('aria-label', s.total
    ? t('explorer.summary', {
      from, to, interval, total: formatNumber(s.total), confirmed: formatNumber(counts.confirmed),
      failed: formatNumber(counts.failed), created: formatNumber(counts.created), peak: formatNumber(peak),
    })
    : t('explorer.empty', { from, to }));
  histogram.show(s);
}

async function runStats(q, item) {
  const seq = ++statsSeq;
  const query = statsParams(q, { item }).toString();
  let next;
  try {
    const r = await request(apiUrl(settings.searchApi, `/stats?${query}`), { headers: { Accept: 'application/json' } }, 'net.searchApi');
    const stats = r.ok ? parseStats(r.body) : null;
    if (stats) {
      next = { kind: 'ok', stats, query };
    } else {
      const message = errorMessage(r);
      next = { kind: 'error', query, message: r.ok ? () => t('explorer.notStats') : () => t('explorer.failed', { status: r.status, message }) };
    }
  } catch (e) {
    const message = e.message;
    next = { kind: 'error', query, message: () => message };
  }
  if (seq !== statsSeq) return; // a newer search is under way
  lastStats = next;
  showStats();
}

// ------------------------------------------------------------------ settings

const dialog = $('settings-dialog');

function showSettingsSummary() {
  $('auth-state').textContent = settings.token ? t('order.tokenSet', { last4: settings.token.slice(-4) }) : t('order.noToken');
  $('auth-state').title = settings.token ? t('order.tokenSetTitle') : t('order.noTokenTitle');
  $('link-order').href = apiUrl(settings.orderApi, '/docs');
  $('link-order').textContent = `${settings.orderApi}/docs`;
  $('link-search').href = apiUrl(settings.searchApi, '/docs');
  $('link-search').textContent = `${settings.searchApi}/docs`;
}

$('settings-open').addEventListener('click', () => {
  const d = settings.defaults;
  const field = (id, key) => {
    const input = $(id);
    input.placeholder = d[key];
    input.value = settings.sources[key] === 'default' ? '' : settings[key];
  };
  field('set-order', 'orderApi');
  field('set-search', 'searchApi');
  field('set-feed', 'feedUrl');
  $('set-token').value = settings.token;
  const fromUrl = Object.entries(settings.sources).filter(([, s]) => s === 'url').map(([k]) => k);
  $('settings-note').hidden = !fromUrl.length;
  $('settings-note').textContent = fromUrl.length ? t('settings.fromUrl') : '';
  dialog.returnValue = '';
  dialog.showModal();
});

$('settings-cancel').addEventListener('click', () => dialog.close('cancel'));

dialog.addEventListener('close', () => {
  if (dialog.returnValue !== 'save') return;
  const oldFeed = settings.feedUrl;
  saveSettings({
    orderApi: $('set-order').value,
    searchApi: $('set-search').value,
    feedUrl: $('set-feed').value,
    token: $('set-token').value,
  });
  settings = loadSettings();
  showSettingsSummary();
  if (settings.feedUrl !== oldFeed) startFeed();
});

// ------------------------------------------------------------------ language

function showLanguageSwitch() {
  const current = language();
  const buttons = LANGUAGES.map((lang) => {
    const b = h('button', {
      type: 'button', class: 'lang__btn', lang, title: NATIVE_NAMES[lang],
      'aria-pressed': String(lang === current), dataset: { lang },
    }, lang.toUpperCase());
    b.addEventListener('click', () => setLanguage(lang));
    return b;
  });
  const parts = [];
  buttons.forEach((b, i) => parts.push(...(i ? [h('span', { class: 'lang__sep', 'aria-hidden': 'true' }, '|'), b] : [b])));
  $('lang-switch').replaceChildren(...parts);
}

/** Everything scripts wrote, in the language now chosen (the static texts are done). */
function rerender() {
  showLanguageSwitch();
  $('order-id-hint').textContent = t('order.idHint', { max: MAX_ORDER_ID });
  showSettingsSummary();
  $('conn-announce').textContent = ''; // a live region: say nothing stale in the old language
  showConnection(lastConnection);
  for (const e of store.entries) {
    const old = nodes.get(e.orderId);
    if (!old) continue;
    const li = renderEntry(e, false);
    applyFilter(li);
    old.replaceWith(li);
    nodes.set(e.orderId, li);
  }
  showSearch(lastSearch.status);
  for (const id of expanded) showJourney(id);
  showPipeline();
  showStats();
  if (!$('search-error').hidden) $('search-error').textContent = t($('search-error').dataset.key);
  if (lastResult) showResult(lastResult.kind, lastResult.render);
  for (const [name, input] of Object.entries(fieldInputs)) {
    if (input.hasAttribute('aria-invalid')) setFieldError(name, validateOrder(formValues()).errors[name] ?? '');
  }
  refreshFeedChrome();
  refreshStats();
  chart.draw();
}

window.addEventListener(LANGUAGE_EVENT, rerender);

// ------------------------------------------------------------------ start

setLanguage(language(), { remember: false });
showSettingsSummary();
newOrderId();
refreshFeedChrome();
refreshStats();
startFeed();
showCustomRange(); // a reload may bring back the form's last choice
submitSearch();
showPipeline();
refreshPipeline();
