#!/usr/bin/env node
// ui.test.mjs: the browser UI (frontend/) end to end, in Debian's Chromium driven by
// playwright-core, against the five real services started here as processes (own
// namespace, free ports) on the real Kafka, Redis and Elasticsearch of `./lab infra up`.
//
// Steps: the page loads and the feed connects; client-side validation; an order created
// through the form shows up `confirmed` in the live feed; a failing one shows `failed`
// with its reason; the bearer token from Settings is stored and sent; search finds the
// order and pages with size/from; the chart draws; notifier-service is SIGKILLed and
// restarted on the same port and the page shows "disconnected", reconnects by itself and
// shows no duplicate entry; a narrow screen has no horizontal scroll; no console errors.
// Security: a page served from another origin (another port) can neither create orders
// (JSON or "simple" POST), read the Search API or an order, open the live feed nor frame
// the page, while the same calls from the lab's own page succeed; the page and Swagger
// UI carry their security headers and log no Content Security Policy violation.
// Languages: both dictionaries of frontend/i18n.js agree; a Vietnamese browser gets the
// page in Vietnamese; the EN | VI switch turns the feed, form, search and chart
// Vietnamese (no English of the page left), sets <html lang> and is remembered.
// Operators (issue 14): the pipeline panel lists the four consumer groups with the
// numbers notifier-service's /kafka/lag answers, shows the lag of a SIGSTOPped
// payment-service and its return to 0, and says when the answer is stale or carries an
// error; expanding an order of the feed shows its six hops in pipeline order with the
// trace id of GET /orders/{id}; the search's histogram totals what /stats answers for
// the same range, and the status filter narrows both the list and the histogram.
// Screenshots go to $LAB_BUILD_DIR/screenshots/ui-*.png.
//
// Run: LAB_BUILD_DIR=build node tests/browser/ui.test.mjs   (CTest: browser.ui); needs the
// five services and tools/lab-admin built (the test creates its namespaced topics).
// Env: LAB_BUILD_DIR, LAB_SOURCE_DIR, LAB_CHROMIUM (default /usr/bin/chromium),
//      LAB_KAFKA_BROKERS, LAB_REDIS_HOST, LAB_REDIS_PORT, LAB_ELASTICSEARCH_URL.
// Prints one line per step and finally "N passed, M failed"; exits 1 on any failure.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodeHttp from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.resolve(process.env.LAB_SOURCE_DIR || path.join(here, '..', '..'));
const BUILD = path.resolve(process.env.LAB_BUILD_DIR || path.join(SOURCE, 'build'));
const CHROMIUM = process.env.LAB_CHROMIUM || '/usr/bin/chromium';
const KAFKA = process.env.LAB_KAFKA_BROKERS || '127.0.0.1:9092';
const REDIS_HOST = process.env.LAB_REDIS_HOST || '127.0.0.1';
const REDIS_PORT = process.env.LAB_REDIS_PORT || '6379';
const ELASTIC = process.env.LAB_ELASTICSEARCH_URL || 'http://127.0.0.1:9200';
const SHOTS = path.join(BUILD, 'screenshots');
const NS = `ui-${process.pid}-${Date.now()}`;
const LOGS = path.join(BUILD, 'test-logs', NS);
const SERVICES = ['order-service', 'payment-service', 'inventory-service', 'notifier-service', 'search-service'];
const DEADLINE_MS = 540000; // below CTest's 600 s, so that we always get to clean up

// ------------------------------------------------------------------ small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 30000, intervalMs = 250) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tcpReachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function http(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10000);
  try {
    const r = await fetch(url, { ...options, signal: controller.signal });
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: r.status, headers: r.headers, text, json };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command to its end: {code, output}. */
function run(cmd, args, env) {
  return new Promise((resolve) => {
    const out = [];
    const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d) => out.push(d));
    proc.stderr.on('data', (d) => out.push(d));
    proc.once('error', (e) => resolve({ code: -1, output: e.message }));
    proc.once('close', (code) => resolve({ code, output: Buffer.concat(out).toString() }));
  });
}

// ------------------------------------------------------------------ the services

class Service {
  constructor(name, port) {
    this.name = name;
    this.port = port;
    this.proc = null;
    this.starts = 0;
    this.log = path.join(LOGS, `${name}.log`);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  start() {
    const binary = path.join(BUILD, 'services', this.name, this.name);
    if (!fs.existsSync(binary)) throw new Error(`${this.name} is not built (${binary}): run ./lab build`);
    const fd = fs.openSync(this.log, 'a');
    fs.writeSync(fd, `\n===== start ${++this.starts} at ${new Date().toISOString()} on port ${this.port}\n`);
    const env = {
      ...process.env,
      LAB_NAMESPACE: NS,
      KAFKA_BROKERS: KAFKA,
      REDIS_HOST,
      REDIS_PORT,
      ELASTICSEARCH_URL: ELASTIC,
      BIND_ADDRESS: '127.0.0.1',
      LOG_LEVEL: 'info',
      FRONTEND_DIR: path.join(SOURCE, 'frontend'),
      // As `./lab up` does: the page's origin (notifier-service's port) is what the
      // services allow by default.
      NOTIFIER_PORT: String(services['notifier-service'].port),
      // Explicit so that the failing order below fails whatever the defaults become:
      // 200000 × 10.00 = 2,000,000.00 is over the 1,000,000.00 limit.
      PAYMENT_DEFAULT_PRICE_CENTS: '1000',
      PAYMENT_LIMIT_CENTS: '100000000',
      // The pipeline panel's lag: notifier-service asks Kafka every second (the page
      // every 5 s), so the test waits for Kafka and the page, not for the inspector.
      NOTIFIER_KAFKA_INSPECT_INTERVAL_MS: '1000',
    };
    // setpriv (util-linux) execs the service with PR_SET_PDEATHSIG: if this test dies
    // however it dies, its services die with it instead of holding ports and topics.
    this.proc = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary, '--port', String(this.port)],
      { env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const proc = this.proc;
    proc.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    proc.once('error', () => {});
  }

  running() {
    return this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async waitHealthy(timeoutMs = 60000) {
    let last = 'no answer';
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (!this.running()) throw new Error(`${this.name} exited during startup\n${this.tail()}`);
      try {
        const r = await http(`${this.url}/healthz`, { timeoutMs: 2000 });
        if (r.status === 200) return;
        last = `${r.status} ${r.text}`;
      } catch (e) {
        last = e.message;
      }
      await sleep(200);
    }
    throw new Error(`${this.name} /healthz did not answer 200 within ${timeoutMs / 1000} s: ${last}\n${this.tail()}`);
  }

  async stop(signal = 'SIGTERM', timeoutMs = 10000) {
    const proc = this.proc;
    if (!proc || !this.running()) return;
    proc.kill(signal);
    const ended = await Promise.race([proc.exited, sleep(timeoutMs).then(() => null)]);
    if (!ended) {
      proc.kill('SIGKILL');
      await proc.exited;
    }
  }

  tail(lines = 25) {
    try {
      const text = fs.readFileSync(this.log, 'utf8').trimEnd().split('\n');
      return `--- ${this.log} (last ${lines} lines) ---\n${text.slice(-lines).join('\n')}`;
    } catch {
      return '';
    }
  }
}

const services = {};
let browser = null;

let foreignServer = null;

async function cleanup() {
  foreignServer?.close();
  try {
    await browser?.close();
  } catch {
    // the browser may already be gone
  }
  await Promise.all(Object.values(services).map((s) => s.stop().catch(() => {})));
}

let cleaningUp = false;
async function abort(why) {
  if (cleaningUp) return;
  cleaningUp = true;
  console.log(`ABORT: ${why}`);
  await cleanup();
  console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exit(1);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => abort(`received ${sig}`));
const watchdog = setTimeout(() => abort(`the whole test took longer than ${DEADLINE_MS / 1000} s`), DEADLINE_MS);
watchdog.unref();

// ------------------------------------------------------------------ steps

const results = [];

class Fatal extends Error {}

async function step(name, fn, { critical = false } = {}) {
  const start = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    return true;
  } catch (e) {
    results.push({ name, ok: false, error: e });
    console.log(`FAIL ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)\n     ${String(e.message || e).split('\n').join('\n     ')}`);
    if (critical) throw new Fatal(name);
    return false;
  }
}

// Console errors and uncaught exceptions of every page we open. While notifier-service
// is deliberately down, Chromium itself logs each failed WebSocket attempt as a console
// error ("WebSocket connection to 'ws://…/ws' failed"); the page cannot suppress that, so
// exactly those messages are accepted, and only during that window.
const consoleErrors = [];
const consoleWarnings = [];
const consoleAll = []; // every message of every watched page, for the CSP check
let outageWindow = null; // RegExp of the browser messages expected right now

function watchPage(page, label) {
  page.on('console', (m) => {
    const entry = `[${label}] ${m.type()}: ${m.text()}${m.location()?.url ? ` (${m.location().url})` : ''}`;
    consoleAll.push(entry);
    if (m.type() === 'error') {
      if (outageWindow && outageWindow.test(`${m.text()} ${m.location()?.url ?? ''}`)) {
        consoleWarnings.push(`${entry} (expected: notifier-service was down)`);
      } else {
        consoleErrors.push(entry);
      }
    } else if (m.type() === 'warning') {
      consoleWarnings.push(entry);
    }
  });
  page.on('pageerror', (e) => consoleErrors.push(`[${label}] uncaught exception: ${e.message}`));
}

async function shot(page, name, options = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `ui-${name}.png`);
  await page.screenshot({ path: file, ...options });
  console.log(`     screenshot ${file}`);
}

// Unique, human-looking ids for this run: the namespace isolates topics, keys and the
// index, but the ids should also not collide with other runs in the shared Redis.
let nextId = (Date.now() % 1e9) * 1000 + Math.floor(Math.random() * 1000);
const newId = () => ++nextId;

async function postOrder(order) {
  return http(`${services['order-service'].url}/create_order`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(order),
    timeoutMs: 20000,
  });
}

/** How many opaque green and red pixels a canvas shows: its confirmed and failed bars. */
async function barColours(page, selector) {
  return page.$eval(selector, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let green = 0;
    let red = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 200) continue;
      if (d[i + 1] > 120 && d[i] < 100) green += 1;
      if (d[i] > 180 && d[i + 1] < 90) red += 1;
    }
    return { green, red };
  });
}

async function feedIds(page) {
  return page.$$eval('#feed > li', (lis) => lis.map((li) => li.dataset.orderId));
}

/** What the pipeline panel shows, per group: the visible numbers, parsed. */
async function pipelineShown(page) {
  return page.$$eval('#pipeline-groups > li', (lis) => lis.map((li) => ({
    group: li.dataset.group,
    lag: li.querySelector('.group__lag-value')?.textContent.trim() ?? '',
    members: li.querySelector('.group__members')?.textContent.trim() ?? '',
    state: li.dataset.state,
    behind: li.classList.contains('group--behind'),
  })));
}

const numberOf = (text) => (/^[\d,.]+$/.test(text) ? Number(text.replace(/[,.]/g, '')) : NaN);

/** Runs the page's search with these filters and waits for the list and the histogram. */
async function explore(page, { item = '', range = '15m', status = '' } = {}) {
  await page.fill('#search-item', item);
  await page.selectOption('#search-size', '25');
  await page.selectOption('#search-range', range);
  await page.selectOption('#search-state', status);
  const before = await page.getAttribute('#explorer', 'data-query');
  await page.click('#search-submit');
  await page.waitForFunction(() => !document.getElementById('search-submit').disabled, null, { timeout: 15000 });
  await page.waitForFunction((old) => {
    const box = document.getElementById('explorer');
    return box.dataset.state === 'ok' && box.dataset.query !== old;
  }, before, { timeout: 15000 });
  return page.evaluate(() => ({
    query: document.getElementById('explorer').dataset.query,
    total: Number(document.getElementById('explorer').dataset.total),
    shownTotal: document.getElementById('hist-total').textContent.trim(),
    shown: Object.fromEntries(['created', 'confirmed', 'failed'].map((k) => [k, document.getElementById(`hist-${k}`).textContent.trim()])),
    label: document.getElementById('histogram').getAttribute('aria-label'),
    rows: [...document.querySelectorAll('#search-body > tr')].map((tr) => ({
      id: tr.dataset.orderId, status: tr.querySelector('.badge')?.dataset.status ?? '',
    })),
  }));
}

/** The search panel down to its histogram (its filters, the chart, the totals). */
async function histogramShot(page, name) {
  await page.$eval('.panel--search', (el) => el.scrollIntoView({ block: 'start' }));
  const panel = await page.locator('.panel--search').boundingBox();
  const chart = await page.locator('.explorer').boundingBox();
  await page.screenshot({ path: path.join(SHOTS, `ui-${name}.png`),
    clip: { x: panel.x, y: panel.y, width: panel.width, height: chart.y + chart.height - panel.y + 8 } });
}

async function createThroughForm(page, order) {
  await page.fill('#order-id', String(order.order_id));
  await page.fill('#order-item', order.item);
  await page.fill('#order-quantity', String(order.quantity));
  await page.focus('#order-quantity');
  await page.keyboard.press('Enter'); // keyboard submit
  await page.waitForFunction(() => {
    const r = document.getElementById('order-result');
    return r && !r.hidden && !r.classList.contains('result--pending');
  }, null, { timeout: 25000 });
  return page.$eval('#order-result', (el) => ({ cls: el.className, text: el.innerText }));
}

async function searchUntil(page, item, size, predicate, what, timeoutMs = 30000) {
  await page.fill('#search-item', item);
  await page.selectOption('#search-size', String(size));
  return waitFor(what, async () => {
    await page.click('#search-submit');
    await page.waitForFunction(() => !document.getElementById('search-submit').disabled, null, { timeout: 15000 });
    const rows = await page.$$eval('#search-body > tr', (trs) => trs.map((tr) => ({
      id: tr.dataset.orderId,
      cells: [...tr.cells].map((c) => c.innerText.trim()),
    })));
    return predicate(rows) ? rows : null;
  }, timeoutMs, 1000);
}

// ------------------------------------------------------------------ the test

async function main() {
  console.log(`browser UI test: namespace ${NS}, build ${BUILD}, logs ${LOGS}`);
  fs.mkdirSync(LOGS, { recursive: true });
  const { chromium } = await import('playwright-core');

  await step('Kafka, Redis and Elasticsearch are reachable', async () => {
    const [kHost, kPort] = KAFKA.split(',')[0].split(':');
    const es = new URL(ELASTIC);
    const missing = [];
    if (!(await tcpReachable(kHost, kPort))) missing.push(`Kafka at ${KAFKA}`);
    if (!(await tcpReachable(REDIS_HOST, REDIS_PORT))) missing.push(`Redis at ${REDIS_HOST}:${REDIS_PORT}`);
    if (!(await tcpReachable(es.hostname, es.port || 80))) missing.push(`Elasticsearch at ${ELASTIC}`);
    assert(!missing.length, `not reachable: ${missing.join(', ')}; start them with \`./lab infra up\` (./lab test does this for you)`);
    assert(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (Debian package chromium; or set LAB_CHROMIUM)`);
  }, { critical: true });

  await step('the namespaced Kafka topics exist', async () => {
    // As `./lab up` does: consumers do not create topics, and notifier-service is only
    // healthy once it holds the order.notification partitions.
    const admin = path.join(BUILD, 'tools', 'lab-admin', 'lab-admin');
    assert(fs.existsSync(admin), `lab-admin is not built (${admin}): run ./lab build`);
    const env = { ...process.env, LAB_NAMESPACE: NS, KAFKA_BROKERS: KAFKA, LAB_KAFKA_PARTITIONS: '3' };
    const r = await run(admin, ['create-topics', '--kafka-brokers', KAFKA, '--partitions', '3'], env);
    if (r.code === 0) return;
    // Fallback (lab-admin refused its command word at the time of writing): Kafka's own
    // TopicCommand from the distribution ./lab installed.
    const dist = path.join(process.env.LAB_HOME || '/var/tmp/kafka-lab', 'dist');
    const kafkaDir = fs.existsSync(dist) ? fs.readdirSync(dist).find((d) => d.startsWith('kafka-')) : null;
    assert(kafkaDir, `lab-admin create-topics exited ${r.code}: ${r.output}(and no Kafka distribution in ${dist} to fall back on)`);
    console.log(`     lab-admin create-topics failed (${r.output.trim().split('\n')[0]}); using Kafka's TopicCommand`);
    const topics = ['order.created', 'payment.success', 'payment.failed', 'inventory.reserved', 'inventory.rejected', 'order.notification'];
    for (const t of topics) {
      const o = await run('java', ['-Xmx128m', '-cp', `${path.join(dist, kafkaDir, 'libs')}/*`, 'org.apache.kafka.tools.TopicCommand',
        '--bootstrap-server', KAFKA, '--create', '--if-not-exists', '--topic', `${NS}.${t}`, '--partitions', '3',
        '--replication-factor', '1'], process.env);
      assert(o.code === 0, `creating ${NS}.${t} failed: ${o.output}`);
    }
  }, { critical: true });

  await step('the five services start and answer /healthz 200', async () => {
    for (const name of SERVICES) services[name] = new Service(name, await freePort());
    for (const s of Object.values(services)) s.start();
    await Promise.all(Object.values(services).map((s) => s.waitHealthy()));
  }, { critical: true });

  const order = services['order-service'];
  const search = services['search-service'];
  const notifier = services['notifier-service'];
  const pageUrl = `${notifier.url}/?order=${encodeURIComponent(order.url)}&search=${encodeURIComponent(search.url)}`;
  const pageOrigin = notifier.url;

  // The page calls the two APIs from another origin (another port): they must answer
  // with CORS headers. Checked directly first, so that a failure says exactly what is missing.
  await step('CORS: the Order API answers the preflight of a JSON POST with a bearer token', async () => {
    const r = await http(`${order.url}/create_order`, {
      method: 'OPTIONS',
      headers: {
        Origin: pageOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    const allowOrigin = r.headers.get('access-control-allow-origin');
    const allowMethods = (r.headers.get('access-control-allow-methods') || '').toUpperCase();
    const allowHeaders = (r.headers.get('access-control-allow-headers') || '').toLowerCase();
    const problems = [];
    if (r.status < 200 || r.status >= 300) problems.push(`OPTIONS /create_order answered ${r.status} (wanted 204 or 200)`);
    if (allowOrigin !== pageOrigin) problems.push(`Access-Control-Allow-Origin is ${JSON.stringify(allowOrigin)} (wanted ${pageOrigin})`);
    if (!/\borigin\b/i.test(r.headers.get('vary') || '')) problems.push(`no Vary: Origin (Vary is ${JSON.stringify(r.headers.get('vary'))})`);
    if (!/\bPOST\b/.test(allowMethods) && allowMethods !== '*') problems.push(`Access-Control-Allow-Methods is ${JSON.stringify(r.headers.get('access-control-allow-methods'))} (wanted GET, POST, OPTIONS)`);
    for (const hdr of ['content-type', 'authorization']) {
      if (!allowHeaders.split(/\s*,\s*/).includes(hdr)) problems.push(`Access-Control-Allow-Headers ${JSON.stringify(r.headers.get('access-control-allow-headers'))} lacks ${hdr}`);
    }
    const get = await http(`${order.url}/orders/1`, { headers: { Origin: pageOrigin } });
    const getOrigin = get.headers.get('access-control-allow-origin');
    if (getOrigin !== pageOrigin) problems.push(`GET /orders/1 (${get.status}) has no usable Access-Control-Allow-Origin (${JSON.stringify(getOrigin)})`);
    assert(!problems.length, problems.join('\n'));
  });

  await step('CORS: the Search API allows GET /search from the page', async () => {
    // A fresh index may answer 503 for a moment although /healthz said 200.
    let r;
    await waitFor('GET /search to answer 200', async () => {
      r = await http(`${search.url}/search?item=x&size=1`, { headers: { Origin: pageOrigin } });
      return r.status === 200;
    }, 20000, 250).catch(() => {});
    assert(r.status === 200, `GET /search answered ${r.status}: ${r.text}`);
    const allowOrigin = r.headers.get('access-control-allow-origin');
    assert(allowOrigin === pageOrigin,
      `GET /search has Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)} (wanted ${pageOrigin})`);
  });

  // A page of another origin: another port on the same machine, as a page of any web
  // site the operator visits would be. It serves an empty page and one that frames ours.
  const foreignPort = await freePort();
  const foreignOrigin = `http://127.0.0.1:${foreignPort}`;
  foreignServer = nodeHttp.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.url.startsWith('/frame')
      ? `<!doctype html><title>frame</title><iframe id="lab" src="${pageUrl}" width="600" height="400"></iframe>`
      : '<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise((resolve) => foreignServer.listen(foreignPort, '127.0.0.1', resolve));

  await step('CORS: a preflight from another origin gets no grant', async () => {
    const r = await http(`${order.url}/create_order`, {
      method: 'OPTIONS',
      headers: { Origin: foreignOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    const allowOrigin = r.headers.get('access-control-allow-origin');
    assert(r.status === 403 && allowOrigin === null && r.json && typeof r.json.error === 'string',
      `OPTIONS /create_order from ${foreignOrigin} answered ${r.status} with Access-Control-Allow-Origin ${JSON.stringify(allowOrigin)}: ${r.text}`);
  });

  // The headers, checked directly so that a failure names the missing one; whether the
  // page and Swagger UI still work under them is checked in the browser below.
  await step('security headers on the page and on Swagger UI (CSP, nosniff, frame-ancestors, Referrer-Policy)', async () => {
    const problems = [];
    const pages = [[`${notifier.url}/`, 'the page'], [`${order.url}/docs`, 'Order API /docs'], [`${search.url}/docs`, 'Search API /docs']];
    for (const [url, what] of pages) {
      const r = await http(url);
      const csp = r.headers.get('content-security-policy') || '';
      if (r.status !== 200) problems.push(`${what}: GET ${url} answered ${r.status}`);
      if (!/frame-ancestors 'none'/.test(csp)) problems.push(`${what}: no frame-ancestors 'none' in CSP ${JSON.stringify(csp)}`);
      if (!/default-src 'none'|default-src 'self'/.test(csp)) problems.push(`${what}: CSP has no restrictive default-src: ${JSON.stringify(csp)}`);
      if (/unsafe-eval|(^|[\s;])\*([\s;]|$)/.test(csp)) problems.push(`${what}: CSP allows eval or any source: ${JSON.stringify(csp)}`);
      if (r.headers.get('x-content-type-options') !== 'nosniff') problems.push(`${what}: X-Content-Type-Options is ${JSON.stringify(r.headers.get('x-content-type-options'))}`);
      if (!r.headers.get('referrer-policy')) problems.push(`${what}: no Referrer-Policy`);
    }
    const page = await http(`${notifier.url}/`);
    const connect = /connect-src ([^;]*)/.exec(page.headers.get('content-security-policy') || '')?.[1] || '';
    for (const source of ['http://127.0.0.1:*', 'ws://127.0.0.1:*']) {
      if (!connect.split(/\s+/).includes(source)) problems.push(`the page's connect-src lacks ${source}: ${JSON.stringify(connect)}`);
    }
    assert(!problems.length, problems.join('\n'));
  });

  // notifier-service answers /kafka/lag 503 until its first round with Kafka: the page
  // would show that (and Chromium log it as an error), so the test starts after it.
  await step('notifier-service answers GET /kafka/lag', async () => {
    await waitFor('GET /kafka/lag to answer 200', async () => (await http(`${notifier.url}/kafka/lag`)).status === 200, 30000, 250);
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  watchPage(page, 'desktop');
  const foreignRequests = [];
  const createRequests = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) foreignRequests.push(req.url());
    if (u.pathname === '/create_order' && req.method() === 'POST') createRequests.push(req);
  });

  await step('the page loads, fetches nothing from elsewhere and the live feed connects', async () => {
    const r = await page.goto(pageUrl, { waitUntil: 'load' });
    assert(r && r.status() === 200, `GET / answered ${r && r.status()}`);
    await page.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
    assert((await page.textContent('#conn-label')).trim() === 'Live', 'the connection pill does not say Live');
    assert((await page.title()).includes('Order Lab'), `unexpected title ${await page.title()}`);
    assert(!foreignRequests.length, `requests left the machine: ${foreignRequests.join(', ')}`);
  }, { critical: true });

  // The same three calls, from the lab's page and from the other origin's page. The
  // order ids are fresh; afterwards the Order API is asked whether the orders exist.
  const crossSiteCalls = async (p, { orderApi, searchApi, feedUrl, ids }) => p.evaluate(async ({ orderApi, searchApi, feedUrl, ids }) => {
    const attempt = async (fn) => {
      try {
        return { ok: true, value: await fn() };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    };
    const order = (id) => JSON.stringify({ order_id: id, item: 'cross-site', quantity: 1 });
    const out = {};
    out.createJson = await attempt(async () => {
      const r = await fetch(`${orderApi}/create_order`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: order(ids[0]) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return `${r.status} ${await r.text()}`;
    });
    // A "simple" request: no Content-Type (a Blob without type), so no preflight. The
    // browser sends it whatever CORS says; only the service can refuse it.
    out.createSimple = await attempt(async () => {
      const r = await fetch(`${orderApi}/create_order`, { method: 'POST', mode: 'no-cors', body: new Blob([order(ids[1])]) });
      return r.type;
    });
    out.search = await attempt(async () => {
      const r = await fetch(`${searchApi}/search?item=cross-site`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const body = await r.json();
      if (!Array.isArray(body)) throw new Error(`not an array: ${JSON.stringify(body).slice(0, 100)}`);
      return `${r.status}, ${body.length} results`;
    });
    out.readOrder = await attempt(async () => {
      const r = await fetch(`${orderApi}/orders/${ids[0]}`);
      return `${r.status} ${(await r.text()).slice(0, 100)}`;
    });
    out.feed = await new Promise((resolve) => {
      const ws = new WebSocket(feedUrl);
      const timer = setTimeout(() => resolve({ ok: false, error: 'neither open nor error within 10 s' }), 10000);
      ws.onopen = () => {
        clearTimeout(timer);
        ws.close();
        resolve({ ok: true, value: 'open' });
      };
      ws.onerror = () => {
        clearTimeout(timer);
        resolve({ ok: false, error: 'error event (handshake refused)' });
      };
    });
    return out;
  }, { orderApi, searchApi, feedUrl, ids });
  const orderExists = async (id) => (await http(`${order.url}/orders/${id}`)).status === 200;
  const callTargets = { orderApi: order.url, searchApi: search.url, feedUrl: `ws://127.0.0.1:${notifier.port}/ws` };

  await step('the lab\'s own page can create an order, read the Search API and an order, and open the live feed', async () => {
    const ids = [newId(), newId()];
    const out = await crossSiteCalls(page, { ...callTargets, ids });
    const problems = [];
    for (const key of ['createJson', 'createSimple', 'search', 'readOrder', 'feed']) {
      if (!out[key].ok) problems.push(`${key}: ${out[key].error}`);
    }
    if (out.readOrder.ok && !out.readOrder.value.startsWith('200')) problems.push(`GET /orders/${ids[0]} answered ${out.readOrder.value}`);
    if (!(await orderExists(ids[0]))) problems.push(`order ${ids[0]} (JSON POST) was not created`);
    if (!(await orderExists(ids[1]))) problems.push(`order ${ids[1]} (simple POST) was not created`);
    assert(!problems.length, `from ${pageOrigin}:\n${problems.join('\n')}`);
  });

  await step('a page from another origin can neither create orders, read the Search API or an order, nor open the live feed', async () => {
    const foreignContext = await browser.newContext();
    try {
      const foreign = await foreignContext.newPage();
      await foreign.goto(`${foreignOrigin}/`);
      const ids = [newId(), newId()];
      const out = await crossSiteCalls(foreign, { ...callTargets, ids });
      const problems = [];
      for (const key of ['createJson', 'search', 'readOrder', 'feed']) {
        if (out[key].ok) problems.push(`${key} succeeded: ${out[key].value}`);
      }
      if (await orderExists(ids[0])) problems.push(`order ${ids[0]} was created by a JSON POST from ${foreignOrigin}`);
      if (await orderExists(ids[1])) problems.push(`order ${ids[1]} was created by a simple (no-cors) POST from ${foreignOrigin}`);
      assert(!problems.length, `from ${foreignOrigin}:\n${problems.join('\n')}`);
    } finally {
      await foreignContext.close();
    }
  });

  await step('a page from another origin cannot show the lab\'s page in a frame', async () => {
    const foreignContext = await browser.newContext();
    try {
      const foreign = await foreignContext.newPage();
      await foreign.goto(`${foreignOrigin}/frame`, { waitUntil: 'load' });
      const frame = foreign.frames().find((f) => f !== foreign.mainFrame());
      assert(frame, 'the framing page has no frame');
      // A refused frame shows Chromium's error page instead of ours.
      const framed = await frame.evaluate(() => !!document.getElementById('order-form')).catch(() => false);
      assert(!framed, `the page was rendered inside a frame of ${foreignOrigin} (frame URL ${frame.url()})`);
    } finally {
      await foreignContext.close();
    }
  });

  await step('accessibility basics: labels, live region, skip link, visible focus', async () => {
    const unlabelled = await page.$$eval('input, select, textarea', (els) => els
      .filter((el) => el.type !== 'hidden' && !el.labels?.length && !el.getAttribute('aria-label'))
      .map((el) => el.id || el.name || el.outerHTML.slice(0, 60)));
    assert(!unlabelled.length, `controls without a label: ${unlabelled.join(', ')}`);
    const feed = await page.$eval('#feed', (el) => ({ role: el.getAttribute('role'), live: el.getAttribute('aria-live') }));
    assert(feed.role === 'log' && feed.live === 'polite', `the feed is not a polite live region: ${JSON.stringify(feed)}`);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.className);
    assert(first === 'skip-link', `the first Tab stop is ${first}, not the skip link`);
    await page.focus('#order-id');
    const ring = await page.$eval('#order-id', (el) => getComputedStyle(el).boxShadow);
    await page.keyboard.press('Tab');
    const ring2 = await page.evaluate(() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      return { id: el.id, shadow: s.boxShadow, outline: s.outlineStyle };
    });
    // Programmatic focus does not always count as :focus-visible; keyboard focus must show.
    assert(ring2.shadow !== 'none' || ring2.outline !== 'none', `no visible focus on #${ring2.id} (${JSON.stringify(ring2)}, before: ${ring})`);
  });

  await step('client-side validation shows the API\'s messages and sends nothing', async () => {
    const before = createRequests.length;
    await page.fill('#order-id', '0');
    await page.fill('#order-item', '   ');
    await page.fill('#order-quantity', '1000001');
    await page.click('#order-submit');
    const errors = await page.evaluate(() => Object.fromEntries(['order-id', 'order-item', 'order-quantity']
      .map((id) => [id, document.getElementById(`${id}-error`).hidden ? '' : document.getElementById(`${id}-error`).textContent])));
    assert(errors['order-id'] === 'order_id must be an integer from 1 to 9007199254740991', `order id error: ${errors['order-id']}`);
    assert(errors['order-item'] === 'item must not be empty', `item error: ${errors['order-item']}`);
    assert(errors['order-quantity'] === 'quantity must be an integer from 1 to 1000000', `quantity error: ${errors['order-quantity']}`);
    assert(await page.evaluate(() => document.activeElement.id) === 'order-id', 'focus did not move to the first invalid field');
    assert(await page.getAttribute('#order-id', 'aria-invalid') === 'true', 'aria-invalid not set');
    await page.fill('#order-id', '9007199254740992');
    await page.fill('#order-item', 'x'.repeat(201));
    await page.click('#order-submit');
    assert((await page.textContent('#order-item-error')) === 'item must be at most 200 characters', 'no length error for 201 characters');
    assert((await page.textContent('#order-id-error')).includes('9007199254740991'), 'no range error for 2^53');
    await sleep(300);
    assert(createRequests.length === before, 'an invalid order was sent to the API');
  });

  const confirmedOrder = { order_id: newId(), item: 'trackball', quantity: 2 };
  await step('an order created through the form (keyboard) is accepted and the API\'s answer shown', async () => {
    const result = await createThroughForm(page, confirmedOrder);
    assert(result.cls.includes('result--ok'), `the form shows: ${result.text}`);
    assert(result.text.includes(`#${confirmedOrder.order_id}`) && result.text.includes('HTTP 200') && result.text.includes('Order created'),
      `unexpected result text: ${result.text}`);
    const sent = createRequests.at(-1);
    assert(sent && JSON.parse(sent.postData()).order_id === confirmedOrder.order_id, 'the POST body is not the order');
  });

  await step('its "confirmed" outcome appears in the live feed (newest first)', async () => {
    const sel = `#feed > li[data-order-id="${confirmedOrder.order_id}"]`;
    await page.waitForSelector(sel, { timeout: 30000 });
    const li = await page.$eval(sel, (el) => ({ status: el.dataset.status, backlog: el.dataset.backlog, text: el.innerText, index: [...el.parentNode.children].indexOf(el) }));
    assert(li.status === 'confirmed', `status is ${li.status}: ${li.text}`);
    assert(/confirmed/.test(li.text) && li.text.includes('trackball') && li.text.includes('× 2'), `entry text: ${li.text}`);
    assert(li.backlog === 'false', 'a live outcome is marked as backlog');
    assert(li.index === 0, `the newest outcome is at position ${li.index}, not at the top`);
    await page.waitForFunction(() => /confirmed/.test(document.getElementById('order-result').innerText), null, { timeout: 5000 });
  });

  const failedOrder = { order_id: newId(), item: 'server rack', quantity: 200000 };
  await step('a failing order shows "failed" with its reason, in the feed and the form', async () => {
    const result = await createThroughForm(page, failedOrder);
    assert(result.cls.includes('result--ok'), `the form shows: ${result.text}`);
    const sel = `#feed > li[data-order-id="${failedOrder.order_id}"]`;
    await page.waitForSelector(sel, { timeout: 30000 });
    const li = await page.$eval(sel, (el) => ({ status: el.dataset.status, text: el.innerText, reason: el.querySelector('.entry__reason')?.innerText ?? '' }));
    assert(li.status === 'failed' && /failed/.test(li.text), `entry: ${li.text}`);
    assert(li.reason.length > 3, `no reason shown: ${li.text}`);
    await page.waitForFunction(() => /failed/.test(document.getElementById('order-result').innerText), null, { timeout: 5000 });
  });

  await step('the bearer token from Settings is kept in localStorage and sent with new orders', async () => {
    await page.click('#settings-open');
    await page.waitForSelector('#settings-dialog[open]');
    await page.fill('#set-token', 'ui-test-token');
    await page.focus('#set-token');
    await page.keyboard.press('Enter'); // Enter saves (Save is the form's default button)
    await page.waitForSelector('#settings-dialog', { state: 'hidden', timeout: 5000 });
    // The dialog's close event (which saves) comes a task after it is hidden.
    await page.waitForFunction(() => (localStorage.getItem('orderlab.settings.v1') || '').includes('ui-test-token'), null, { timeout: 5000 })
      .catch(() => {});
    const stored = await page.evaluate(() => localStorage.getItem('orderlab.settings.v1'));
    assert(stored && JSON.parse(stored).token === 'ui-test-token', `localStorage holds ${stored}`);
    assert((await page.textContent('#auth-state')).includes('oken'), 'the form does not show that a token is set');
    const tokenOrder = { order_id: newId(), item: 'trackball', quantity: 1 };
    const result = await createThroughForm(page, tokenOrder);
    const sent = createRequests.at(-1);
    assert(sent && (await sent.allHeaders()).authorization === 'Bearer ui-test-token', 'no Authorization: Bearer header on the POST');
    assert(result.cls.includes('result--ok'), `the form shows: ${result.text}`);
    await page.waitForSelector(`#feed > li[data-order-id="${tokenOrder.order_id}"]`, { timeout: 30000 });
  });

  await step('search finds the order and shows it in the results table', async () => {
    const rows = await searchUntil(page, 'trackball', 25,
      (rs) => rs.some((r) => r.id === String(confirmedOrder.order_id) && /confirmed/.test(r.cells[3])),
      `order ${confirmedOrder.order_id} (confirmed) in the search results`);
    const row = rows.find((r) => r.id === String(confirmedOrder.order_id));
    assert(row.cells[0] === `#${confirmedOrder.order_id}` && row.cells[1] === 'trackball' && row.cells[2] === '2',
      `row cells: ${JSON.stringify(row.cells)}`);
    assert(row.cells[4] && row.cells[4] !== '–', `no time: ${JSON.stringify(row.cells)}`);
  });

  // Twelve more orders straight at the API (not through the page) for paging, and so
  // that the feed and the chart have something to show.
  const pagingIds = [];
  await step('search pages with size and from (12 orders, 10 per page)', async () => {
    for (let i = 0; i < 12; i++) {
      const o = { order_id: newId(), item: 'keyboard', quantity: 1 + i };
      const r = await postOrder(o);
      assert(r.status === 200, `POST /create_order answered ${r.status}: ${r.text}`);
      pagingIds.push(String(o.order_id));
      await sleep(150);
    }
    await waitFor('12 keyboard orders in the Search API', async () => {
      const r = await http(`${search.url}/search?item=keyboard&size=100`);
      return Array.isArray(r.json) && r.json.length >= 12;
    }, 30000, 500);
    const first = await searchUntil(page, 'keyboard', 10, (rs) => rs.length === 10, 'a first page of 10 rows');
    assert(!(await page.isDisabled('#search-next')), 'Next is disabled on a full page');
    assert(await page.isDisabled('#search-prev'), 'Previous is enabled on the first page');
    await page.click('#search-next');
    await page.waitForFunction(() => /11–12/.test(document.getElementById('search-status').textContent), null, { timeout: 15000 });
    const second = await page.$$eval('#search-body > tr', (trs) => trs.map((tr) => tr.dataset.orderId));
    assert(second.length === 2, `second page has ${second.length} rows`);
    const all = new Set([...first.map((r) => r.id), ...second]);
    assert(all.size === 12 && pagingIds.every((id) => all.has(id)), 'the two pages do not hold the 12 orders exactly once');
    assert(await page.isDisabled('#search-next'), 'Next is enabled on the last page');
    await page.click('#search-prev');
    await page.waitForFunction(() => document.querySelectorAll('#search-body > tr').length === 10, null, { timeout: 15000 });
  });

  await step('the live chart counts and draws the outcomes', async () => {
    await waitFor('all 12 keyboard outcomes in the feed', async () => {
      const ids = new Set(await feedIds(page));
      return pagingIds.every((id) => ids.has(id));
    }, 30000);
    await sleep(1200); // the chart redraws every second
    const label = await page.getAttribute('#chart', 'aria-label');
    const m = /(\d+) confirmed and (\d+) failed/.exec(label || '');
    // trackball ×2 (+1 with the token) and 12 keyboards confirmed, the server rack failed
    assert(m && Number(m[1]) >= 13 && Number(m[2]) >= 1, `chart summary: ${label}`);
    const colours = await barColours(page, '#chart');
    assert(colours.green > 20 && colours.red > 5, `the canvas shows no bars: ${JSON.stringify(colours)}`);
  });


  // ---- operators see inside the pipeline (issue 14)
  const lagUrl = `${notifier.url}/kafka/lag`;
  const groupsOf = (body) => Object.fromEntries(body.groups.map((g) => [g.group.slice(NS.length + 1), g]));
  await step('pipeline panel: the four consumer groups, with the state, members and lag /kafka/lag answers', async () => {
    let last = null;
    await waitFor('the pipeline panel to show what /kafka/lag answers', async () => {
      const api = await http(lagUrl);
      if (api.status !== 200) throw new Error(`GET /kafka/lag answered ${api.status}: ${api.text}`);
      const groups = groupsOf(api.json);
      const shown = await pipelineShown(page);
      last = { shown, api: Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, { lag: g.lag, members: g.members, state: g.state }])) };
      const names = shown.map((x) => x.group).join(',');
      if (names !== 'payment-service,inventory-service,notifier-service,search-service') throw new Error(`groups shown: ${names}`);
      return shown.every((x) => groups[x.group] && numberOf(x.lag) === groups[x.group].lag && x.state === groups[x.group].state
        && x.members.startsWith(`${groups[x.group].members} `) && x.behind === groups[x.group].lag > 0);
    }, 30000, 500).catch((e) => {
      throw new Error(`${e.message}\n${JSON.stringify(last)}`);
    });
    const status = await page.$eval('#pipeline-status', (el) => ({ state: el.dataset.state, text: el.textContent }));
    assert(status.state === 'fresh' && /^as of \d\d:\d\d:\d\d$/.test(status.text), `pipeline status: ${JSON.stringify(status)}`);
    const note = await page.textContent('#pipeline-note');
    assert(note.includes('order.notification') && /broadcast readers/.test(note), `broadcast readers note: ${note}`);
    // Per topic on expansion: the payment group's order.created with its partitions.
    await page.click('#pipeline-groups > li[data-group="payment-service"] summary');
    const topics = await page.$$eval('#pipeline-groups > li[data-group="payment-service"] .group__topic', (els) => els.map((el) => el.innerText));
    assert(topics.some((x) => x.startsWith('order.created') && /partition 0: \d+ behind/.test(x)), `payment-service topics: ${JSON.stringify(topics)}`);
  });

  const payment = services['payment-service'];
  const lagOrders = [];
  await step('pipeline panel: a paused payment-service (SIGSTOP) shows its lag, then 0 again once it runs (SIGCONT)', async () => {
    const paymentLag = async () => (await pipelineShown(page)).find((x) => x.group === 'payment-service');
    await waitFor('payment-service at lag 0 on the page', async () => {
      const g = await paymentLag();
      return numberOf(g.lag) === 0 && !g.behind;
    }, 60000, 500);
    payment.proc.kill('SIGSTOP');
    try {
      for (let i = 0; i < 5; i++) {
        const o = { order_id: newId(), item: 'lag probe', quantity: 1 };
        const r = await postOrder(o);
        assert(r.status === 200, `POST /create_order answered ${r.status}: ${r.text}`);
        lagOrders.push(String(o.order_id));
      }
      // Hang detector, not a speed check: Kafka, then the inspector, then the page.
      const seen = await waitFor('payment-service behind by the 5 orders on the page', async () => {
        const g = await paymentLag();
        return numberOf(g.lag) >= 5 && g.behind ? g : null;
      }, 60000, 500);
      const color = await page.$eval('#pipeline-groups > li[data-group="payment-service"] .group__lag-value', (el) => getComputedStyle(el).color);
      const calm = await page.$eval('#pipeline-groups > li[data-group="inventory-service"] .group__lag-value', (el) => getComputedStyle(el).color);
      assert(color !== calm, `a group behind is drawn like one that is not (${color})`);
      console.log(`     payment-service shown ${seen.lag} behind`);
      await page.$eval('.panel--pipeline', (el) => el.scrollIntoView({ block: 'center' }));
      await page.locator('.panel--pipeline').screenshot({ path: path.join(SHOTS, 'ui-pipeline-lag.png') });
    } finally {
      payment.proc.kill('SIGCONT');
    }
    await waitFor('payment-service back at lag 0 on the page', async () => {
      const g = await paymentLag();
      return numberOf(g.lag) === 0 && !g.behind;
    }, 90000, 500);
    await waitFor('the 5 paused orders decided in the feed', async () => {
      const ids = new Set(await feedIds(page));
      return lagOrders.every((id) => ids.has(id));
    }, 60000);
    await page.locator('.panel--pipeline').screenshot({ path: path.join(SHOTS, 'ui-pipeline.png') });
  });

  await step('pipeline panel: an answer carrying an error, or an old one, is shown as such', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      // Not watched: Chromium logs the 503 this page is fed below as a console error.
      const p = await ctx.newPage();
      const real = (await http(lagUrl)).json;
      let answer = { ...real, collected_at: new Date(Date.now() - 120000).toISOString(), error: 'Local: Broker transport failure' };
      await p.route('**/kafka/lag', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) }));
      await p.goto(pageUrl);
      await p.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'error', null, { timeout: 15000 });
      const text = await p.textContent('#pipeline-status');
      assert(/Kafka did not answer/.test(text) && text.includes('Broker transport failure') && /stale: last answer at/.test(text), `status: ${text}`);
      answer = { ...real, collected_at: new Date(Date.now() - 120000).toISOString(), error: null };
      await p.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'stale', null, { timeout: 15000 });
      await p.unroute('**/kafka/lag');
      await p.route('**/kafka/lag', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"no answer from Kafka yet; retry in a few seconds"}' }));
      await p.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'unavailable', null, { timeout: 15000 });
      const down = await p.textContent('#pipeline-status');
      assert(/Lag unavailable\..*HTTP 503/.test(down), `status: ${down}`);
    } finally {
      await ctx.close();
    }
  });

  await step('expanding an order in the feed (keyboard) shows its six hops in pipeline order with the trace id of GET /orders/{id}', async () => {
    const li = `#feed > li[data-order-id="${confirmedOrder.order_id}"]`;
    const api = await waitFor('GET /orders/{id} with all six hops', async () => {
      const r = await http(`${order.url}/orders/${confirmedOrder.order_id}`);
      return r.status === 200 && r.json.timeline?.length === 6 ? r.json : null;
    }, 30000, 500);
    assert(await page.getAttribute(`${li} .entry__toggle`, 'aria-expanded') === 'false', 'the entry starts expanded');
    await page.focus(`${li} .entry__toggle`);
    await page.keyboard.press('Enter');
    assert(await page.getAttribute(`${li} .entry__toggle`, 'aria-expanded') === 'true', 'aria-expanded is not true after Enter');
    await page.waitForSelector(`${li} .journey[data-source="api"]`, { timeout: 20000 });
    const shown = await page.$eval(`${li} .journey`, (el) => ({
      id: el.id,
      trace: el.dataset.traceId,
      traceText: el.querySelector('.journey__trace-id')?.textContent ?? '',
      steps: [...el.querySelectorAll('.journey__step')].map((s) => ({
        hop: s.dataset.hop, elapsed: Number(s.dataset.elapsedMs), label: s.querySelector('.journey__hop').textContent,
        at: s.querySelector('.journey__at').textContent, gap: s.querySelector('.journey__gap').textContent,
      })),
    }));
    const want = ['received', 'kafka_acknowledged', 'payment_decided', 'stock_decided', 'correlated', 'notified'];
    assert(shown.steps.map((x) => x.hop).join(',') === want.join(','), `hops shown: ${shown.steps.map((x) => x.hop).join(',')}`);
    assert(shown.steps.map((x) => x.label).join('|') === 'received|Kafka acknowledged|payment decided|stock decided|correlated|notified',
      `hop labels: ${shown.steps.map((x) => x.label).join('|')}`);
    assert(/^[0-9a-f]{32}$/.test(api.trace_id) && shown.trace === api.trace_id && shown.traceText === api.trace_id,
      `trace id shown ${shown.trace} / ${shown.traceText}, GET /orders/{id} has ${api.trace_id}`);
    assert(await page.getAttribute(`${li} .entry__toggle`, 'aria-controls') === shown.id, 'aria-controls does not name the journey');
    for (const [i, x] of shown.steps.entries()) {
      const a = api.timeline[i];
      assert(Math.abs(x.elapsed - a.elapsed_ms) < 1e-6, `${x.hop}: ${x.elapsed} ms shown, ${a.elapsed_ms} ms in the API`);
      assert(/^\+[\d.,]+ ms$/.test(x.at), `${x.hop}: elapsed shown as «${x.at}»`);
      assert(i === 0 ? x.gap === 'start' : /^Δ [\d.,]+ ms$/.test(x.gap), `${x.hop}: gap shown as «${x.gap}»`);
    }
    // A gap counts from the latest earlier hop that happened before it (payment and stock
    // run in parallel): never negative, and `correlated` counts from the later decision.
    const at = Object.fromEntries(api.timeline.map((x) => [x.hop, x.elapsed_ms]));
    const gapOf = (hop) => Number(shown.steps.find((x) => x.hop === hop).gap.replace(/[^\d.]/g, ''));
    const latest = Math.max(at.payment_decided, at.stock_decided);
    assert(Math.abs(gapOf('correlated') - (at.correlated - latest)) < 1.01,
      `correlated: gap ${gapOf('correlated')} ms shown, ${at.correlated - latest} ms after the later decision`);
    await page.$eval(li, (el) => el.scrollIntoView({ block: 'center' }));
    await page.locator(li).screenshot({ path: path.join(SHOTS, 'ui-journey.png') });
    // A click on the entry itself folds it again.
    await page.click(`${li} .entry__item`);
    assert(await page.getAttribute(`${li} .entry__toggle`, 'aria-expanded') === 'false' && !(await page.$(`${li} .journey`)),
      'a click on the entry did not fold its journey');
  });

  await step('the histogram counts the orders of the range, with the total /stats answers for the same query', async () => {
    // This run's namespace has its own index: 12 keyboards, all confirmed.
    const kb = await waitFor('12 keyboards confirmed in the histogram', async () => {
      const e = await explore(page, { item: 'keyboard', range: '15m' });
      return e.total === 12 && e.shown.confirmed === '12' ? e : null;
    }, 30000, 1000);
    const params = new URLSearchParams(kb.query);
    const span = Date.parse(params.get('to')) - Date.parse(params.get('from'));
    assert(params.get('item') === 'keyboard' && Math.abs(span - 15 * 60000) < 2000 && params.get('interval') === '10s' && !params.has('status'),
      `stats query: ${kb.query}`);
    const stats = await http(`${search.url}/stats?${kb.query}`);
    assert(stats.status === 200 && stats.json.total === kb.total && kb.shownTotal === '12', `page ${kb.total} («${kb.shownTotal}»), /stats ${stats.text.slice(0, 200)}`);
    assert(stats.json.buckets.length >= 30 && stats.json.buckets.length <= 120, `${stats.json.buckets.length} buckets`);
    assert(kb.rows.length === 12 && kb.rows.every((r) => r.status === 'confirmed'), `list: ${JSON.stringify(kb.rows)}`);
    assert(/^Orders created from \d\d:\d\d to \d\d:\d\d, one bar per 10 sec: 12 in all, 12 confirmed, 0 failed, 0 not decided yet; at most \d+ in one bar\.$/.test(kb.label),
      `histogram aria-label: ${kb.label}`);
    // Every order this run posted (it owns the index), over the last hour.
    const all = await waitFor('the 22 orders of this run in the last hour', async () => {
      const e = await explore(page, { range: '1h' });
      return e.total >= 22 ? e : null;
    }, 30000, 1000);
    const allStats = await http(`${search.url}/stats?${all.query}`);
    assert(allStats.json.total === all.total && all.total >= 22, `last hour: page ${all.total}, /stats ${allStats.json.total}`);
    assert(new URLSearchParams(all.query).get('interval') === '30s', `interval for 1 h: ${all.query}`);
    const colours = await barColours(page, '#histogram');
    assert(colours.green > 20 && colours.red > 0, `the histogram shows no bars: ${JSON.stringify(colours)}`);
  });

  await step('the status filter narrows the list and the histogram (the failed order: with failed, not with confirmed)', async () => {
    const failed = await waitFor('the failed order under status=failed', async () => {
      const e = await explore(page, { range: '1h', status: 'failed' });
      return e.rows.some((r) => r.id === String(failedOrder.order_id)) ? e : null;
    }, 30000, 1000);
    assert(failed.rows.every((r) => r.status === 'failed'), `status=failed lists ${JSON.stringify(failed.rows)}`);
    assert(new URLSearchParams(failed.query).get('status') === 'failed', `stats query: ${failed.query}`);
    const fStats = await http(`${search.url}/stats?${failed.query}`);
    assert(fStats.json.total === failed.total && failed.total >= 1 && failed.shown.confirmed === '0' && failed.shown.failed === String(failed.total),
      `status=failed: page ${JSON.stringify(failed.shown)} total ${failed.total}, /stats ${fStats.json.total}`);
    const confirmed = await explore(page, { range: '1h', status: 'confirmed' });
    assert(!confirmed.rows.some((r) => r.id === String(failedOrder.order_id)) && confirmed.rows.length > 0
      && confirmed.rows.every((r) => r.status === 'confirmed'), `status=confirmed lists ${JSON.stringify(confirmed.rows)}`);
    const cStats = await http(`${search.url}/stats?${confirmed.query}`);
    assert(cStats.json.total === confirmed.total && confirmed.shown.failed === '0', `status=confirmed: page ${JSON.stringify(confirmed.shown)}, /stats ${cStats.json.total}`);
    // A custom range that ends before it starts is refused before anything is sent.
    await page.selectOption('#search-range', 'custom');
    await page.fill('#search-from', '2026-01-02T10:00');
    await page.fill('#search-to', '2026-01-01T10:00');
    await page.click('#search-submit');
    assert(await page.isVisible('#search-error') && /after its start/.test(await page.textContent('#search-error')), 'no error for an inverted custom range');
    // A custom range: from 20 minutes ago to now (an empty end).
    const from20 = await page.evaluate(async () => (await import('/explorer.js')).toLocalInput(Date.now() - 20 * 60000));
    await page.fill('#search-from', from20);
    await page.fill('#search-to', '');
    const custom = await explore(page, { range: 'custom' });
    const customParams = new URLSearchParams(custom.query);
    const customSpan = Date.parse(customParams.get('to')) - Date.parse(customParams.get('from'));
    const customStats = await http(`${search.url}/stats?${custom.query}`);
    assert(customSpan > 19 * 60000 && customSpan < 21 * 60000 && customStats.json.total === custom.total && custom.total >= 22,
      `custom range: ${custom.query}, page ${custom.total}, /stats ${customStats.json.total}`);
    assert(!(await page.isVisible('#search-error')), 'the range error is still shown');
    await page.selectOption('#search-range', '15m');
    await page.selectOption('#search-state', '');
    await page.waitForFunction(() => document.getElementById('explorer').dataset.state === 'ok', null, { timeout: 15000 });
    await histogramShot(page, 'histogram');
  });

  await step('screenshot at 1280×800 (light and dark)', async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.fill('#search-item', 'trackball');
    await page.click('#search-submit');
    await page.waitForFunction(() => !document.getElementById('search-submit').disabled);
    // The newest order's journey unfolded, at the top of the feed.
    await page.$eval('#feed', (el) => { el.scrollTop = 0; });
    await page.click('#feed > li:first-child .entry__toggle');
    await page.waitForSelector('#feed > li:first-child .journey[data-source="api"]', { timeout: 20000 });
    await page.evaluate(() => document.activeElement?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'desktop');
    await shot(page, 'desktop-full', { fullPage: true });
    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    watchPage(darkPage, 'dark');
    await darkPage.goto(pageUrl);
    await darkPage.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
    await darkPage.waitForSelector(`#feed > li[data-order-id="${confirmedOrder.order_id}"]`, { timeout: 20000 });
    await darkPage.waitForFunction(() => !document.getElementById('search-submit').disabled);
    await sleep(1200);
    await shot(darkPage, 'desktop-dark');
    // The new panels in the dark theme: the pipeline, an expanded journey, the histogram.
    await darkPage.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'fresh', null, { timeout: 15000 });
    await darkPage.locator('.panel--pipeline').screenshot({ path: path.join(SHOTS, 'ui-pipeline-dark.png') });
    const darkLi = `#feed > li[data-order-id="${confirmedOrder.order_id}"]`;
    await darkPage.click(`${darkLi} .entry__toggle`);
    await darkPage.waitForSelector(`${darkLi} .journey[data-source="api"]`, { timeout: 20000 });
    await darkPage.locator(darkLi).screenshot({ path: path.join(SHOTS, 'ui-journey-dark.png') });
    await darkPage.waitForFunction(() => document.getElementById('explorer').dataset.state === 'ok', null, { timeout: 15000 });
    await histogramShot(darkPage, 'histogram-dark');
    console.log(`     screenshots ${SHOTS}/ui-{pipeline,pipeline-lag,journey,histogram}{,-dark}.png`);
    await dark.close();
  });

  // ---- the live feed survives a crash of notifier-service
  const beforeKill = await feedIds(page);
  const outageOrder = { order_id: newId(), item: 'webcam', quantity: 3 };
  await step('notifier-service killed (SIGKILL): the page shows it is disconnected', async () => {
    // The pipeline panel's /kafka/lag is on notifier-service too: its failed loads are
    // logged likewise, also the 503 before the restarted service's first Kafka round.
    outageWindow = new RegExp(`WebSocket connection to 'ws://127\\.0\\.0\\.1:${notifier.port}/ws' failed`
      + `|^Failed to load resource: .* http://127\\.0\\.0\\.1:${notifier.port}/kafka/lag$`);
    await notifier.stop('SIGKILL');
    await page.waitForSelector('#conn[data-state="closed"]', { timeout: 15000 });
    const label = (await page.textContent('#conn-label')).trim();
    assert(label === 'Disconnected', `the connection pill says ${label}`);
    assert(/disconnected/i.test(await page.title()), 'the tab title does not say disconnected');
    // An order decided while nobody pushes it: it must show up once after the reconnect.
    const r = await postOrder(outageOrder);
    assert(r.status === 200, `POST /create_order during the outage answered ${r.status}: ${r.text}`);
    await page.waitForFunction(() => /retrying in \d+ s/.test(document.getElementById('conn-detail').textContent), null, { timeout: 10000 });
    assert(await page.isVisible('#feed-banner'), 'no disconnected banner over the feed');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'disconnected', { clip: { x: 0, y: 0, width: 1280, height: 420 } });
  });

  await step('notifier-service restarted on the same port: the page reconnects by itself', async () => {
    await sleep(2000); // let a few backoff rounds fail first
    notifier.start();
    await notifier.waitHealthy();
    await page.waitForSelector('#conn[data-state="open"]', { timeout: 30000 });
    assert(!(await page.isVisible('#feed-banner')), 'the disconnected banner is still shown');
    // The pipeline panel's next refresh after Kafka answered the restarted service.
    await waitFor('GET /kafka/lag to answer 200', async () => (await http(`${notifier.url}/kafka/lag`)).status === 200, 30000, 250);
    await page.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'fresh', null, { timeout: 20000 });
    outageWindow = null;
  });

  await step('after the reconnect and the backlog replay there is no duplicate entry', async () => {
    await page.waitForSelector(`#feed > li[data-order-id="${outageOrder.order_id}"]`, { timeout: 30000 });
    await sleep(2000); // the whole backlog replay has arrived by now
    const ids = await feedIds(page);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert(!dupes.length, `duplicate entries: ${[...new Set(dupes)].join(', ')}`);
    const missing = beforeKill.filter((id) => !ids.includes(id));
    assert(!missing.length, `entries lost over the reconnect: ${missing.join(', ')}`);
    assert(ids.length === beforeKill.length + 1, `expected ${beforeKill.length + 1} entries, found ${ids.length}`);
    const count = (await page.textContent('#feed-count')).trim();
    assert(count.startsWith(`${ids.length} `), `the feed counter says "${count}" for ${ids.length} entries`);
  });

  await step('a fresh page shows the replayed backlog, marked as such', async () => {
    const p2 = await context.newPage();
    watchPage(p2, 'reload');
    await p2.goto(pageUrl);
    await p2.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
    await p2.waitForSelector(`#feed > li[data-order-id="${confirmedOrder.order_id}"]`, { timeout: 20000 });
    const li = await p2.$eval(`#feed > li[data-order-id="${confirmedOrder.order_id}"]`, (el) => ({ backlog: el.dataset.backlog, text: el.innerText }));
    assert(li.backlog === 'true' && /backlog/i.test(li.text), `replayed entry not marked as backlog: ${JSON.stringify(li)}`);
    const ids = await feedIds(p2);
    assert(new Set(ids).size === ids.length, 'duplicates in the replayed backlog');
    await p2.close();
  });

  // ---- the page in Vietnamese (frontend/i18n.js)
  // English dictionary texts that must not be on screen in Vietnamese: for each key whose
  // two texts differ, the English pieces between {placeholders} (two words or more), or
  // the whole English text when it is one word. Text the page marks as someone else's
  // words (translate="no": items, failure reasons; lang="en": the API's answers; <code>)
  // is not the page's to translate and is skipped.
  const englishLeft = (p) => p.evaluate(async () => {
    const { messages } = await import('/i18n.js');
    const phrases = new Set();
    const words = new Set();
    for (const [key, en] of Object.entries(messages.en)) {
      const vi = messages.vi[key];
      for (const form of typeof en === 'string' ? [en] : Object.values(en)) {
        if (JSON.stringify(vi ?? '').includes(JSON.stringify(form).slice(1, -1))) continue; // a name, a URL
        for (const piece of form.split(/\{\w+\}/).map((x) => x.trim()).filter((x) => x.length >= 3)) {
          if (piece.split(/\s+/).length >= 2) phrases.add(piece);
          else if (piece === form.trim()) words.add(piece);
        }
      }
    }
    const texts = [];
    const skip = (el) => el.closest('[translate="no"], [lang="en"], code');
    const shown = (el) => el.checkVisibility({ checkVisibilityCSS: true }) || el.closest('.sr-only, title, canvas');
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || ['SCRIPT', 'STYLE'].includes(el.tagName) || !shown(el)) continue;
      if (n.textContent.trim()) texts.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label]')) {
      if (skip(el) || !shown(el)) continue;
      for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    }
    const keys = new Set(Object.keys(messages.en));
    const found = [];
    for (const text of texts) {
      if (keys.has(text)) found.push(`«${text}» is a dictionary key, not a text`);
      for (const p of phrases) if (text.includes(p)) found.push(`«${text}» has «${p}»`);
      if (words.has(text)) found.push(`«${text}»`);
    }
    return [...new Set(found)];
  });

  await step('i18n: the English and Vietnamese dictionaries have the same keys, placeholders and plural forms', async () => {
    const problems = await page.evaluate(async () => {
      const { messages, LANGUAGES } = await import('/i18n.js');
      const out = [];
      const names = (m) => [...JSON.stringify(m).matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort().join(',');
      for (const lang of LANGUAGES) {
        for (const key of Object.keys(messages.en)) if (!(key in messages[lang])) out.push(`${lang} lacks ${key}`);
        for (const key of Object.keys(messages[lang])) if (!(key in messages.en)) out.push(`${lang} has an extra ${key}`);
      }
      for (const [key, en] of Object.entries(messages.en)) {
        const vi = messages.vi[key];
        if (vi === undefined) continue;
        if (typeof en !== typeof vi) out.push(`${key}: a plural in one language only`);
        else if (typeof en === 'object' && (!en.other || !vi.other)) out.push(`${key}: no "other" form`);
        const forms = (m) => (typeof m === 'string' ? [m] : Object.values(m));
        for (const f of [...forms(en), ...forms(vi)]) {
          if (!f.trim()) out.push(`${key}: an empty text`);
          if (names(f) !== names(forms(en)[forms(en).length - 1])) out.push(`${key}: placeholders differ in «${f}»`);
        }
      }
      return out;
    });
    assert(!problems.length, problems.join('\n'));
  });

  await step('i18n: a browser that prefers Vietnamese gets the page in Vietnamese (navigator.language)', async () => {
    const viContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    try {
      const p = await viContext.newPage();
      watchPage(p, 'vi-default');
      await p.goto(pageUrl);
      await p.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
      assert(await p.getAttribute('html', 'lang') === 'vi', `<html lang="${await p.getAttribute('html', 'lang')}">`);
      assert((await p.textContent('#feed-title')) === 'Thông báo trực tiếp', `feed title: ${await p.textContent('#feed-title')}`);
      assert((await p.title()) === 'Order Lab · vận hành trực tiếp', `title: ${await p.title()}`);
      assert(await p.getAttribute('.lang__btn[data-lang="vi"]', 'aria-pressed') === 'true', 'VI is not shown as chosen');
      assert(await p.evaluate(() => localStorage.getItem('orderlab.lang')) === null, 'a default was stored as a choice');
    } finally {
      await viContext.close();
    }
  });

  const viOrder = { order_id: newId(), item: 'bàn phím', quantity: 2000 };
  await step('i18n: EN | VI switches the feed, form, search and chart to Vietnamese, sets <html lang="vi"> and is remembered', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    try {
      const p = await ctx.newPage();
      watchPage(p, 'vi-switch');
      await p.goto(pageUrl);
      await p.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
      const confirmedLi = `#feed > li[data-order-id="${confirmedOrder.order_id}"]`;
      await p.waitForSelector(confirmedLi, { timeout: 20000 });
      assert(await p.getAttribute('html', 'lang') === 'en', 'an en-US browser does not get English');
      await p.click('.lang__btn[data-lang="vi"]');
      assert(await p.getAttribute('html', 'lang') === 'vi', `<html lang="${await p.getAttribute('html', 'lang')}"> after VI`);
      assert(await p.evaluate(() => localStorage.getItem('orderlab.lang')) === 'vi', 'the choice is not in localStorage');
      const text = (sel) => p.$eval(sel, (el) => el.textContent.trim());
      const problems = [];
      const expect = async (sel, want) => {
        const got = await text(sel);
        if (got !== want) problems.push(`${sel}: «${got}», wanted «${want}»`);
      };
      // Feed: title, chips, the connection, a replayed entry (badge, tag) in Vietnamese.
      await expect('#feed-title', 'Thông báo trực tiếp');
      await expect('.chip[data-filter="all"]', 'Tất cả');
      await expect('.chip[data-filter="failed"]', 'Thất bại');
      await expect('#conn-label', 'Trực tiếp');
      await expect(`${confirmedLi} .badge__word`, 'đã xác nhận');
      await expect(`${confirmedLi} .tag`, 'phát lại');
      if (!/^\d+ đơn hàng/.test(await text('#feed-count'))) problems.push(`#feed-count: «${await text('#feed-count')}»`);
      // Form: labels, button, the client-side checks' words.
      await expect('label[for="order-id"]', 'Mã đơn hàng');
      await expect('label[for="order-item"]', 'Mặt hàng');
      await expect('label[for="order-quantity"]', 'Số lượng');
      await expect('#order-submit .btn__label', 'Tạo đơn hàng');
      if (await p.getAttribute('#order-item', 'placeholder') !== 'ví dụ: mouse') problems.push('#order-item placeholder');
      // Chart and stats.
      await expect('#chart-title', 'Kết quả mỗi giây');
      await expect('.legend__item--confirmed span', 'đã xác nhận');
      await expect('.stat--failed .stat__label', 'Thất bại');
      const label = await p.getAttribute('#chart', 'aria-label');
      if (!/^5 phút qua: \d+ đã xác nhận và \d+ thất bại, nhiều nhất \d+ trong một giây\.$/.test(label)) problems.push(`chart aria-label: «${label}»`);
      // Search: its labels before a search.
      await expect('label[for="search-item"]', 'Mặt hàng');
      await expect('#search-submit .btn__label', 'Tìm kiếm');
      const heads = await p.$$eval('#search-table th', (ths) => ths.map((th) => th.textContent.trim()));
      if (heads.join('|') !== 'Mã đơn hàng|Mặt hàng|Số lượng|Trạng thái|Thời gian') problems.push(`table headers: ${heads.join('|')}`);
      // Pipeline panel: title, a group's state and members, the note.
      await expect('#pipeline-title', 'Luồng xử lý');
      await p.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'fresh', null, { timeout: 15000 });
      await expect('#pipeline-groups > li[data-group="payment-service"] .group__state', 'ổn định');
      await expect('#pipeline-groups > li[data-group="payment-service"] .group__lag-label', 'bản ghi chưa xử lý');
      if (!/^\d+ thành viên$/.test(await text('#pipeline-groups > li[data-group="payment-service"] .group__members'))) problems.push('pipeline members');
      if (!/^lúc \d\d:\d\d:\d\d$/.test(await text('#pipeline-status'))) problems.push(`pipeline status: «${await text('#pipeline-status')}»`);
      if (!(await text('#pipeline-note')).startsWith('Không liệt kê:')) problems.push(`pipeline note: «${await text('#pipeline-note')}»`);
      // Order-log explorer: its filters and the histogram's summary.
      await expect('label[for="search-range"]', 'Khoảng thời gian');
      await expect('#search-range option[value="1h"]', '1 giờ qua');
      await expect('#search-state option[value="failed"]', 'thất bại');
      await expect('#explorer-title', 'Đơn hàng theo thời gian');
      await expect('.legend__item--total span', 'tổng');
      await p.waitForFunction(() => document.getElementById('explorer').dataset.state === 'ok', null, { timeout: 15000 });
      const histLabel = await p.getAttribute('#histogram', 'aria-label');
      if (!/^Đơn hàng tạo từ \d\d:\d\d đến \d\d:\d\d, mỗi cột 30 giây: tổng [\d.]+, [\d.]+ đã xác nhận, [\d.]+ thất bại, [\d.]+ chưa quyết định; nhiều nhất [\d.]+ trong một cột\.$/.test(histLabel)) {
        problems.push(`histogram aria-label: «${histLabel}»`);
      }
      // An order's journey, expanded.
      await p.click(`${confirmedLi} .entry__toggle`);
      await p.waitForSelector(`${confirmedLi} .journey[data-source="api"]`, { timeout: 20000 });
      const hops = await p.$$eval(`${confirmedLi} .journey__hop`, (els) => els.map((el) => el.textContent).join('|'));
      if (hops !== 'đã nhận|Kafka đã xác nhận|đã quyết định thanh toán|đã quyết định kho|đã đối chiếu|đã thông báo') problems.push(`journey hops: ${hops}`);
      await expect(`${confirmedLi} .entry__toggle`, 'Hành trình');
      await expect(`${confirmedLi} .journey__step[data-hop="received"] .journey__gap`, 'bắt đầu');
      assert(!problems.length, problems.join('\n'));

      await p.fill('#order-id', '0');
      await p.fill('#order-item', '   ');
      await p.fill('#order-quantity', '1000001');
      await p.click('#order-submit');
      const errors = await p.evaluate(() => ['order-id', 'order-item', 'order-quantity'].map((id) => document.getElementById(`${id}-error`).textContent));
      assert(errors[0] === 'order_id phải là số nguyên từ 1 đến 9007199254740991' && errors[1] === 'item không được để trống'
        && errors[2] === 'quantity phải là số nguyên từ 1 đến 1000000', `validation: ${JSON.stringify(errors)}`);
      assert((await text('#order-result strong')) === 'Hãy sửa các ô được đánh dấu', `result: ${await text('#order-result')}`);

      // An order typed in Vietnamese: our words around it, the API's answer as it came.
      const result = await createThroughForm(p, viOrder);
      assert(result.cls.includes('result--ok') && result.text.includes(`Đơn hàng #${viOrder.order_id} đã được chấp nhận`)
        && result.text.includes('bàn phím × 2.000') && result.text.includes('Order created'), `result: ${result.text}`);
      await p.waitForFunction(() => /đã xác nhận/.test(document.getElementById('order-result').innerText), null, { timeout: 30000 });
      const viLi = `#feed > li[data-order-id="${viOrder.order_id}"]`;
      await p.waitForSelector(viLi, { timeout: 30000 });
      const entry = await p.$eval(viLi, (el) => el.innerText);
      assert(entry.includes('× 2.000') && /quyết định sau/.test(entry) && /đã xác nhận/.test(entry), `entry: ${entry}`);

      const rows = await searchUntil(p, 'bàn phím', 25, (rs) => rs.some((r) => r.id === String(viOrder.order_id) && /đã xác nhận/.test(r.cells[3])),
        `order ${viOrder.order_id} (đã xác nhận) in the search results`);
      const row = rows.find((r) => r.id === String(viOrder.order_id));
      assert(row.cells[2] === '2.000', `search row: ${JSON.stringify(row.cells)}`);
      const status = await text('#search-status');
      assert(/^Đơn hàng 1–\d+ khớp với “bàn phím”$/.test(status), `search status: «${status}»`);
      await p.evaluate(() => document.activeElement?.blur());
      await p.evaluate(() => window.scrollTo(0, 0));
      await sleep(1200); // the stats and the chart redraw every second
      const left = await englishLeft(p);
      assert(!left.length, `English left on the page in Vietnamese:\n${left.join('\n')}`);
      await shot(p, 'vi-desktop');

      // Remembered: a reload stays Vietnamese; EN brings English back.
      await p.reload();
      await p.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
      assert(await p.getAttribute('html', 'lang') === 'vi' && (await text('#feed-title')) === 'Thông báo trực tiếp', 'the choice did not survive a reload');
      await p.click('.lang__btn[data-lang="en"]');
      assert(await p.getAttribute('html', 'lang') === 'en' && (await text('#feed-title')) === 'Live feed', 'EN did not switch back');
      assert(await p.evaluate(() => localStorage.getItem('orderlab.lang')) === 'en', 'EN is not remembered');
    } finally {
      await ctx.close();
    }
  });

  await step('narrow screen (390×844): one column, no horizontal scrolling', async () => {
    const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const p = await narrow.newPage();
    watchPage(p, 'narrow');
    await p.goto(pageUrl);
    await p.waitForSelector('#conn[data-state="open"]', { timeout: 20000 });
    await p.waitForSelector(`#feed > li[data-order-id="${confirmedOrder.order_id}"]`, { timeout: 20000 });
    await p.fill('#search-item', 'keyboard');
    await p.click('#search-submit');
    await p.waitForFunction(() => document.querySelectorAll('#search-body > tr').length > 0, null, { timeout: 15000 });
    // The new panels too: an expanded journey, the pipeline with a group's topics open.
    const narrowLi = `#feed > li[data-order-id="${confirmedOrder.order_id}"]`;
    await p.click(`${narrowLi} .entry__toggle`);
    await p.waitForSelector(`${narrowLi} .journey[data-source="api"]`, { timeout: 20000 });
    await p.waitForFunction(() => document.getElementById('pipeline-status').dataset.state === 'fresh', null, { timeout: 15000 });
    await p.click('#pipeline-groups > li[data-group="search-service"] summary');
    await p.selectOption('#search-range', 'custom');
    await sleep(1200);
    const overflow = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert(overflow.scroll <= overflow.width, `the page scrolls sideways: ${overflow.scroll} > ${overflow.width}`);
    await p.evaluate(() => window.scrollTo(0, 0));
    const cols = await p.evaluate(() => getComputedStyle(document.querySelector('.layout')).gridTemplateColumns.split(' ').length);
    assert(cols === 1, `${cols} columns on a narrow screen`);
    await shot(p, 'narrow');
    await shot(p, 'narrow-full', { fullPage: true });
    await p.$eval('.panel--create', (el) => el.scrollIntoView({ block: 'start' }));
    await shot(p, 'narrow-form');
    await narrow.close();
  });

  await step('Swagger UI (/docs) of the Order and Search APIs renders under its CSP', async () => {
    const docs = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      for (const [svc, label] of [[order, 'docs-order'], [search, 'docs-search']]) {
        const p = await docs.newPage();
        watchPage(p, label);
        const r = await p.goto(`${svc.url}/docs`, { waitUntil: 'load' });
        assert(r && r.status() === 200, `GET ${svc.url}/docs answered ${r && r.status()}`);
        await p.waitForSelector('.swagger-ui .info .title', { timeout: 20000 });
        await p.waitForSelector('.swagger-ui .opblock', { timeout: 20000 });
        await sleep(500); // styles and images requested after the first render
        if (label === 'docs-order') await shot(p, 'docs-order');
      }
    } finally {
      await docs.close();
    }
  });

  await step('no Content Security Policy violation in the console of any page', async () => {
    const csp = consoleAll.filter((m) => /content security policy/i.test(m));
    assert(!csp.length, csp.join('\n'));
  });

  await step('no console errors or uncaught exceptions on any page', async () => {
    for (const w of consoleWarnings) console.log(`     note: ${w}`);
    assert(!consoleErrors.length, consoleErrors.join('\n'));
  });
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  if (!(e instanceof Fatal)) {
    results.push({ name: 'unexpected error', ok: false, error: e });
    console.log(`FAIL unexpected error: ${e.stack || e}`);
  }
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.filter((r) => !r.ok).length;
if (failed) {
  exitCode = 1;
  console.log(`service logs: ${LOGS}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
