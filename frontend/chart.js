// chart.js: stacked bars drawn by hand on a <canvas> (BarCanvas): outcomes per second
// (confirmed vs failed) over the last few minutes (OutcomeChart), and the order log's
// histogram by status from search-service's /stats (HistogramChart). Colours come from
// CSS custom properties on the canvas (--chart-confirmed, --chart-failed,
// --chart-created, --chart-grid, --chart-text), so the charts follow the page's light or
// dark theme. Axis words come from i18n.js.

import { formatClock, formatNumber } from './format.js';
import { t } from './i18n.js';

/** Counts outcomes per whole second. */
export class OutcomeSeries {
  constructor(windowSec = 300) {
    this.windowSec = windowSec;
    this.buckets = new Map(); // second -> {confirmed, failed}
  }

  add(status, timeMs, nowMs = Date.now()) {
    // A clock a little ahead of ours must not put bars in the future.
    const sec = Math.floor(Math.min(timeMs, nowMs) / 1000);
    if (sec <= Math.floor(nowMs / 1000) - this.windowSec) return false;
    const b = this.buckets.get(sec) ?? { confirmed: 0, failed: 0 };
    if (status === 'confirmed') b.confirmed += 1;
    else b.failed += 1;
    this.buckets.set(sec, b);
    return true;
  }

  /** The last windowSec seconds, oldest first, ending with the current second. */
  series(nowMs = Date.now()) {
    const end = Math.floor(nowMs / 1000);
    const start = end - this.windowSec + 1;
    for (const sec of this.buckets.keys()) if (sec < start) this.buckets.delete(sec);
    const out = [];
    for (let s = start; s <= end; s++) out.push(this.buckets.get(s) ?? { confirmed: 0, failed: 0 });
    return out;
  }

  totals(nowMs = Date.now(), lastSec = this.windowSec) {
    const s = this.series(nowMs).slice(-lastSec);
    let confirmed = 0;
    let failed = 0;
    let peak = 0;
    for (const b of s) {
      confirmed += b.confirmed;
      failed += b.failed;
      peak = Math.max(peak, b.confirmed + b.failed);
    }
    return { confirmed, failed, peak };
  }
}

/** …0.5, 1, 2, 5, 10, 20, 50… : the smallest such value ≥ v (1 for nothing). */
export function niceCeiling(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v - 1e-9) return Number((m * p).toPrecision(6));
  return Number((10 * p).toPrecision(6));
}

/**
 * A <canvas> of stacked bars over time, drawn by hand: sized to its CSS box at the
 * device's pixel ratio, coloured from CSS custom properties on the canvas (so it follows
 * the theme), a y grid at 0, half and a nice top, bars on whole pixels. OutcomeChart and
 * HistogramChart draw with it.
 */
export class BarCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.cssWidth = 0;
    this.cssHeight = 0;
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => this.draw()).observe(canvas);
    }
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width));
    const h = Math.max(1, Math.round(rect.height));
    if (w !== this.cssWidth || h !== this.cssHeight || this.canvas.width !== Math.round(w * dpr)) {
      this.cssWidth = w;
      this.cssHeight = h;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  /** Resizes and clears; the colours (by name: --chart-<name>) and the axis font. */
  begin(names) {
    this.resize();
    const style = getComputedStyle(this.canvas);
    const color = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const colors = {
      grid: color('--chart-grid', 'rgba(127,127,127,.25)'),
      text: color('--chart-text', '#666'),
    };
    for (const [name, fallback] of Object.entries(names)) colors[name] = color(`--chart-${name}`, fallback);
    const { ctx, cssWidth: W, cssHeight: H } = this;
    ctx.clearRect(0, 0, W, H);
    ctx.font = `11px ${style.fontFamily || 'sans-serif'}`;
    return colors;
  }

  /**
   * Lays out the plot for values up to `max` and draws the y grid with its labels;
   * answers the plot's geometry {padL, padT, plotW, plotH, top}.
   */
  grid(max, colors) {
    const { ctx, cssWidth: W, cssHeight: H } = this;
    const top = niceCeiling(max);
    const labels = top !== 1 && top !== 5 && top !== 50 && top !== 500 ? [0, top / 2, top] : [0, top];
    const fmt = (v) => formatNumber(Number.isInteger(v) ? v : Number(v.toFixed(2)));
    const padL = Math.ceil(Math.max(...labels.map((v) => ctx.measureText(fmt(v)).width))) + 10;
    const padR = 4;
    const padT = 8;
    const padB = 20;
    const plotW = Math.max(10, W - padL - padR);
    const plotH = Math.max(10, H - padT - padB);
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = colors.text;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of labels) {
      const y = Math.round(padT + plotH - (v / top) * plotH) + 0.5;
      ctx.beginPath();
      ctx.moveTo(padL, y);
      ctx.lineTo(padL + plotW, y);
      ctx.stroke();
      ctx.fillText(fmt(v), padL - 6, y);
    }
    ctx.textBaseline = 'top';
    return { padL, padT, plotW, plotH, top };
  }

  /** An x label under the plot at x (with a tick unless it is the right edge). */
  xLabel(g, x, text, align, tick = true) {
    const { ctx } = this;
    ctx.textAlign = align;
    ctx.fillText(text, x, g.padT + g.plotH + 6);
    if (tick) {
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, g.padT + g.plotH);
      ctx.lineTo(Math.round(x) + 0.5, g.padT + g.plotH + 4);
      ctx.stroke();
    }
  }

  /**
   * Bar i of n, its parts stacked from the bottom: [{value, color}]. An empty bar is
   * not drawn; a non-zero part is at least one pixel high.
   */
  bar(g, i, n, parts) {
    const { ctx } = this;
    const step = g.plotW / n;
    let x0 = Math.round(g.padL + i * step);
    let x1 = Math.round(g.padL + (i + 1) * step);
    if (step >= 4) {
      const gap = Math.max(1, Math.round(step * 0.2));
      x0 += Math.floor(gap / 2);
      x1 -= Math.ceil(gap / 2);
    }
    const w = Math.max(1, x1 - x0);
    let y = g.padT + g.plotH;
    for (const { value, color } of parts) {
      if (!value) continue;
      const hgt = Math.max(1, Math.round((value / g.top) * g.plotH));
      ctx.fillStyle = color;
      ctx.fillRect(x0, y - hgt, w, hgt);
      y -= hgt;
    }
  }
}

export class OutcomeChart extends BarCanvas {
  constructor(canvas, series) {
    super(canvas);
    this.series = series;
  }

  draw(nowMs = Date.now()) {
    if (!this.canvas.isConnected || !this.series) return;
    const colors = this.begin({ confirmed: '#16a34a', failed: '#dc2626' });
    // One bar per second when there is room; on a narrow canvas one bar per k seconds
    // showing their average per second, so that bars stay at least ~6 px wide.
    const raw = this.series.series(nowMs);
    const roughPlotW = Math.max(10, this.cssWidth - 40);
    const k = [1, 2, 3, 5, 10, 15, 30].find((c) => roughPlotW / (raw.length / c) >= 6) ?? 30;
    this.secondsPerBar = k;
    const data = [];
    for (let end = raw.length; end > 0; end -= k) {
      let confirmed = 0;
      let failed = 0;
      for (let i = Math.max(0, end - k); i < end; i++) {
        confirmed += raw[i].confirmed;
        failed += raw[i].failed;
      }
      data.unshift({ confirmed: confirmed / k, failed: failed / k });
    }
    let max = 0;
    for (const b of data) max = Math.max(max, b.confirmed + b.failed);
    const g = this.grid(max, colors);

    // X labels: one per minute, "now" at the right edge.
    const secStep = g.plotW / raw.length;
    const minutes = Math.floor(raw.length / 60);
    for (let m = 0; m <= minutes; m++) {
      const x = g.padL + g.plotW - m * 60 * secStep;
      const align = m === 0 ? 'right' : m === minutes && x - g.padL < 20 ? 'left' : 'center';
      this.xLabel(g, x, m === 0 ? t('chart.now') : t('chart.minutesAgo', { minutes: m }), align, m > 0);
    }

    // Stacked bars: confirmed at the bottom, failed on top.
    data.forEach((b, i) => this.bar(g, i, data.length,
      [{ value: b.confirmed, color: colors.confirmed }, { value: b.failed, color: colors.failed }]));
  }
}

/** The statuses of the order log, bottom to top in the histogram. */
export const HISTOGRAM_STATUSES = ['confirmed', 'failed', 'created'];

/**
 * Orders created per interval by status (search-service's GET /stats): one stacked bar
 * per bucket, empty buckets left empty, a few clock times under the plot.
 */
export class HistogramChart extends BarCanvas {
  constructor(canvas) {
    super(canvas);
    this.stats = null; // {fromMs, toMs, intervalMs, buckets: [{start, total, statuses}]}
  }

  show(stats) {
    this.stats = stats;
    this.draw();
  }

  draw() {
    if (!this.canvas.isConnected) return;
    const colors = this.begin({ confirmed: '#16a34a', failed: '#dc2626', created: '#2563eb' });
    const s = this.stats;
    const buckets = s?.buckets ?? [];
    let max = 0;
    for (const b of buckets) max = Math.max(max, b.total);
    const g = this.grid(max, colors);
    if (!buckets.length) return;
    const n = buckets.length;
    // Clock times: at most one label per ~70 px, on bucket starts.
    const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(g.plotW / 70))));
    const withDay = buckets[n - 1].start - buckets[0].start >= 86400000;
    for (let i = 0; i < n; i += every) {
      const x = g.padL + (i / n) * g.plotW;
      const align = i === 0 ? 'left' : 'center';
      if (x + 30 > g.padL + g.plotW) break;
      this.xLabel(g, x, formatClock(buckets[i].start, withDay), align);
    }
    buckets.forEach((b, i) => this.bar(g, i, n,
      HISTOGRAM_STATUSES.map((status) => ({ value: b.statuses?.[status] ?? 0, color: colors[status] }))));
  }
}
