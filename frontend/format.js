// format.js: small DOM and text helpers shared by the page's modules, formatting in the
// page's language (i18n.js).

import { intlLocale, t } from './i18n.js';

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

// Intl formatters of the current language (i18n.js), made once per locale.
const formatters = new Map();
function fmt(kind) {
  const locale = intlLocale();
  const key = `${locale} ${kind}`;
  if (!formatters.has(key)) {
    const make = {
      // 24-hour clock in every language, like the services' logs and the console.
      time: () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
      clock: () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      day: () => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }),
      full: () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' }),
      number: () => new Intl.NumberFormat(locale),
      percent0: () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
      percent1: () => new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      ms: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }),
      s0: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 0 }),
      s1: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      min: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 0 }),
      hour: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 0 }),
      dayUnit: () => new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'short', maximumFractionDigits: 0 }),
    }[kind];
    formatters.set(key, make());
  }
  return formatters.get(key);
}

/** "14:51:16", with the day in front when it is not today. */
export function formatTime(ms, now = Date.now()) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? fmt('time').format(d) : `${fmt('day').format(d)}, ${fmt('time').format(d)}`;
}

/** "14:05" (an axis label), with the day in front when asked. */
export function formatClock(ms, withDay = false) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  return withDay ? `${fmt('day').format(d)}, ${fmt('clock').format(d)}` : fmt('clock').format(d);
}

export function formatFullTime(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return fmt('full').format(new Date(ms));
}

export function isoTime(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString();
}

export function formatNumber(n) {
  return n === null || n === undefined ? '–' : fmt('number').format(n);
}

/** 0.955 -> "96%" (one decimal from 1,000 outcomes on: "95.5%"). */
export function formatPercent(fraction, precise = false) {
  return fmt(precise ? 'percent1' : 'percent0').format(fraction);
}

/**
 * 117 ms, 1.2 sec, 3 min; in Vietnamese 117 mili giây, 1,2 giây, 3 phút (Intl units).
 * Whole hours and days (a histogram's interval) as such: 2 hr, 1 day.
 */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return fmt('ms').format(Math.round(ms));
  if (ms < 60000) return fmt(ms < 10000 ? 's1' : 's0').format(ms / 1000);
  if (ms >= 86400000 && ms % 86400000 === 0) return fmt('dayUnit').format(ms / 86400000);
  if (ms >= 3600000 && ms % 3600000 === 0) return fmt('hour').format(ms / 3600000);
  return fmt('min').format(Math.round(ms / 60000));
}

/** The status words the page knows; others are shown as the API sent them. */
export const STATUS_WORDS = ['confirmed', 'failed', 'created', 'paid', 'reserved'];

/** A status word of the API in the page's language. */
export function statusText(status) {
  if (STATUS_WORDS.includes(status)) return t(`status.${status}`);
  return status ? String(status) : t('status.unknown');
}

const ICONS = {
  confirmed: 'M5 12.5l4.5 4.5L19 7.5',
  failed: 'M7 7l10 10M17 7L7 17',
  pending: 'M12 7v5l3 2',
};

/** A status badge: coloured, with an icon AND the word (never colour alone). */
export function statusBadge(status, extraClass = '') {
  const known = STATUS_WORDS.includes(status);
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
  // The API's word stays in data-status (filters, tests); the page shows it translated.
  badge.dataset.status = status ? String(status) : '';
  badge.append(h('span', { class: 'badge__word' }, statusText(status)));
  return badge;
}
