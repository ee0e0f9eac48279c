// format.js: small DOM and text helpers shared by the page's modules.

/** Creates an element: h('span', {class: 'x', title: 't'}, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const timeFmt = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const numberFmt = new Intl.NumberFormat();

/** "14:51:16", with the day in front when it is not today. */
export function formatTime(ms, now = Date.now()) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? timeFmt.format(d) : `${dayFmt.format(d)}, ${timeFmt.format(d)}`;
}

export function formatFullTime(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return fullFmt.format(new Date(ms));
}

export function isoTime(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString();
}

export function formatNumber(n) {
  return n === null || n === undefined ? '–' : numberFmt.format(n);
}

/** 117 ms, 1.2 s, 3 min. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  return `${Math.round(ms / 60000)} min`;
}

export const STATUS_WORDS = {
  confirmed: 'confirmed',
  failed: 'failed',
  created: 'created',
  paid: 'paid',
  reserved: 'reserved',
};

const ICONS = {
  confirmed: 'M5 12.5l4.5 4.5L19 7.5',
  failed: 'M7 7l10 10M17 7L7 17',
  pending: 'M12 7v5l3 2',
};

/** A status badge: coloured, with an icon AND the word (never colour alone). */
export function statusBadge(status, extraClass = '') {
  const known = Object.hasOwn(STATUS_WORDS, status);
  const kind = status === 'confirmed' || status === 'failed' ? status : known ? 'pending' : 'unknown';
  const badge = h('span', { class: `badge badge--${kind} ${extraClass}`.trim() });
  if (ICONS[kind]) {
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(svgNs, 'path');
    path.setAttribute('d', ICONS[kind]);
    svg.append(path);
    if (kind === 'pending') {
      const circle = document.createElementNS(svgNs, 'circle');
      circle.setAttribute('cx', '12');
      circle.setAttribute('cy', '12');
      circle.setAttribute('r', '8');
      svg.prepend(circle);
    }
    badge.append(svg);
  }
  badge.append(h('span', { class: 'badge__word' }, status ? String(status) : 'unknown'));
  return badge;
}
