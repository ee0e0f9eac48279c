// feed.js: the live feed of order outcomes (ws://HOST:8000/ws, docs/EVENTS.md).
//  - FeedConnection keeps one WebSocket open, reconnecting by itself with exponential
//    backoff and jitter, and reports its state ('connecting' | 'open' | 'closed').
//  - FeedStore holds the outcomes newest first and drops duplicates by order_id: the
//    server replays its last 100 outcomes ("backlog": true) on every connect, and an
//    order can arrive both in that replay and live, so every reconnect repeats entries.

import { parseTimeline, parseTraceId } from './journey.js';

/** Normalises one WebSocket text frame; null when it is not an order outcome. */
export function parseNotification(text) {
  let m;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) return null;
  if (m.event !== undefined && m.event !== 'order.notification') return null;
  if (!Number.isSafeInteger(m.order_id) || m.order_id < 1) return null;
  if (m.status !== 'confirmed' && m.status !== 'failed') return null;
  const time = (s) => {
    const t = typeof s === 'string' ? Date.parse(s) : NaN;
    return Number.isFinite(t) ? t : null;
  };
  return {
    orderId: m.order_id,
    item: typeof m.item === 'string' ? m.item : '',
    quantity: Number.isSafeInteger(m.quantity) ? m.quantity : null,
    status: m.status,
    reason: typeof m.reason === 'string' ? m.reason : '',
    createdAt: time(m.created_at),
    notifiedAt: time(m.notified_at),
    backlog: m.backlog === true,
    // The journey up to `correlated` (docs/EVENTS.md, "Journey"); optional.
    traceId: parseTraceId(m.trace_id),
    timeline: parseTimeline(m.timeline),
  };
}

/**
 * Outcomes newest first (by notified_at, then arrival), one per order_id. add() answers
 * where the new entry goes, or null for a duplicate. Only the newest `limit` entries are
 * kept for display, but every order id seen stays known (up to `rememberLimit`), so an
 * old order replayed again is still recognised.
 */
export class FeedStore {
  constructor({ limit = 500, rememberLimit = 100000 } = {}) {
    this.limit = limit;
    this.rememberLimit = rememberLimit;
    this.entries = []; // newest first
    this.seen = new Set();
    this.arrivals = 0;
  }

  has(orderId) {
    return this.seen.has(orderId);
  }

  /**
   * Adds an outcome. Returns {entry, index, evicted} (index in `entries`, evicted the
   * entries dropped off the end) or null when this order_id is already known.
   */
  add(notification, receivedAt = Date.now()) {
    if (this.seen.has(notification.orderId)) return null;
    this.seen.add(notification.orderId);
    if (this.seen.size > this.rememberLimit) {
      // Sets iterate in insertion order: forget the order ids seen first.
      const it = this.seen.values();
      for (let n = this.seen.size - this.rememberLimit; n > 0; n--) this.seen.delete(it.next().value);
    }
    const entry = {
      ...notification,
      receivedAt,
      sortKey: notification.notifiedAt ?? receivedAt,
      seq: ++this.arrivals,
    };
    // Binary search for the first entry older than this one. On equal times a live
    // outcome goes first (it just happened) and a backlog one last (the replay comes
    // newest first).
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.entries[mid];
      const newer = other.sortKey > entry.sortKey || (other.sortKey === entry.sortKey && entry.backlog);
      if (newer) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
    const evicted = this.entries.length > this.limit ? this.entries.splice(this.limit) : [];
    if (lo >= this.limit) return { entry, index: -1, evicted };
    return { entry, index: lo, evicted };
  }
}

/** Delay before reconnect attempt n (1-based): base·2^(n-1), capped, ±jitter. */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 15000, jitter = 0.2 } = {}, random = Math.random) {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const spread = raw * jitter;
  return Math.round(Math.max(baseMs / 2, raw - spread + 2 * spread * random()));
}

/**
 * One self-healing WebSocket. Dispatches 'state' (detail: {state, attempt, retryAt,
 * since, error}) and 'notification' (detail: a parseNotification() result) events.
 */
export class FeedConnection extends EventTarget {
  constructor(url, options = {}) {
    super();
    this.url = url;
    this.options = { baseMs: 500, maxMs: 15000, jitter: 0.2, stableMs: 5000, ...options };
    this.socket = null;
    this.state = 'closed';
    this.attempt = 0;      // consecutive failed connections
    this.retryAt = null;
    this.since = null;     // when the current state began
    this.timer = null;
    this.stopped = true;
    this.openedAt = null;
  }

  start() {
    this.stopped = false;
    if (!this.socket) this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.socket) {
      const s = this.socket;
      this.socket = null;
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close(1000, 'page closed');
    }
    this.setState('closed');
  }

  /** Skips the wait of a pending reconnect (the operator pressed "Retry now"). */
  reconnectNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  connect() {
    this.retryAt = null;
    this.setState('connecting');
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.scheduleReconnect(String(e && e.message ? e.message : e));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.openedAt = Date.now();
      this.setState('open');
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const n = parseNotification(event.data);
      if (n) this.dispatchEvent(new CustomEvent('notification', { detail: n }));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // A connection that lasted counts as a success: start the backoff over.
      if (this.openedAt !== null && Date.now() - this.openedAt >= this.options.stableMs) this.attempt = 0;
      this.openedAt = null;
      if (this.stopped) return;
      this.scheduleReconnect(event.code === 1000 ? 'closed by the server' : `connection lost (code ${event.code})`);
    };
    // Every error is followed by a close event, which does the work.
    socket.onerror = () => {};
  }

  scheduleReconnect(error) {
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.options);
    this.retryAt = Date.now() + delay;
    this.setState('closed', error);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped && !this.socket) this.connect();
    }, delay);
  }

  setState(state, error = '') {
    if (state !== this.state) this.since = Date.now();
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {
      detail: { state, attempt: this.attempt, retryAt: this.retryAt, since: this.since, error },
    }));
  }
}
