// chart.js: outcomes per second (confirmed vs failed) over the last few minutes, drawn
// by hand on a <canvas> as stacked bars. Colours come from CSS custom properties on the
// canvas (--chart-confirmed, --chart-failed, --chart-grid, --chart-text), so the chart
// follows the page's light or dark theme. Axis words come from i18n.js.

import { formatNumber } from './format.js';
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

export class OutcomeChart {
  constructor(canvas, series) {
    this.canvas = canvas;
    this.series = series;
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

  draw(nowMs = Date.now()) {
    if (!this.canvas.isConnected) return;
    this.resize();
    const { ctx, cssWidth: W, cssHeight: H } = this;
    const style = getComputedStyle(this.canvas);
    const color = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const cConfirmed = color('--chart-confirmed', '#16a34a');
    const cFailed = color('--chart-failed', '#dc2626');
    const cGrid = color('--chart-grid', 'rgba(127,127,127,.25)');
    const cText = color('--chart-text', '#666');
    const font = `11px ${style.fontFamily || 'sans-serif'}`;

    ctx.clearRect(0, 0, W, H);
    ctx.font = font;
    // One bar per second when there is room; on a narrow canvas one bar per k seconds
    // showing their average per second, so that bars stay at least ~6 px wide.
    const raw = this.series.series(nowMs);
    const roughPlotW = Math.max(10, W - 40);
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
    const top = niceCeiling(max);
    const labels = top !== 1 && top !== 5 && top !== 50 && top !== 500 ? [0, top / 2, top] : [0, top];
    const fmt = (v) => formatNumber(Number.isInteger(v) ? v : Number(v.toFixed(2)));

    const padL = Math.ceil(Math.max(...labels.map((v) => ctx.measureText(fmt(v)).width))) + 10;
    const padR = 4;
    const padT = 8;
    const padB = 20;
    const plotW = Math.max(10, W - padL - padR);
    const plotH = Math.max(10, H - padT - padB);

    // Horizontal grid with y labels at 0, half and the top.
    ctx.strokeStyle = cGrid;
    ctx.lineWidth = 1;
    ctx.fillStyle = cText;
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

    // X labels: one per minute, "now" at the right edge.
    ctx.textBaseline = 'top';
    const n = data.length;
    const step = plotW / n;
    const secStep = plotW / raw.length;
    const minutes = Math.floor(raw.length / 60);
    for (let m = 0; m <= minutes; m++) {
      const x = padL + plotW - m * 60 * secStep;
      ctx.textAlign = m === 0 ? 'right' : m === minutes && x - padL < 20 ? 'left' : 'center';
      ctx.fillText(m === 0 ? t('chart.now') : t('chart.minutesAgo', { minutes: m }), x, padT + plotH + 6);
      if (m > 0) {
        ctx.beginPath();
        ctx.moveTo(Math.round(x) + 0.5, padT + plotH);
        ctx.lineTo(Math.round(x) + 0.5, padT + plotH + 4);
        ctx.stroke();
      }
    }

    // Stacked bars: confirmed at the bottom, failed on top, on whole pixels.
    const base = padT + plotH;
    for (let i = 0; i < n; i++) {
      const b = data[i];
      if (!b.confirmed && !b.failed) continue;
      let x0 = Math.round(padL + i * step);
      let x1 = Math.round(padL + (i + 1) * step);
      if (step >= 4) {
        const gap = Math.max(1, Math.round(step * 0.2));
        x0 += Math.floor(gap / 2);
        x1 -= Math.ceil(gap / 2);
      }
      const w = Math.max(1, x1 - x0);
      const hc = Math.round((b.confirmed / top) * plotH);
      const hf = Math.round((b.failed / top) * plotH);
      if (b.confirmed) {
        ctx.fillStyle = cConfirmed;
        ctx.fillRect(x0, base - Math.max(1, hc), w, Math.max(1, hc));
      }
      if (b.failed) {
        ctx.fillStyle = cFailed;
        ctx.fillRect(x0, base - Math.max(1, hc) * (b.confirmed ? 1 : 0) - Math.max(1, hf), w, Math.max(1, hf));
      }
    }
  }
}
