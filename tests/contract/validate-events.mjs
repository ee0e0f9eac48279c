#!/usr/bin/env node
// validate-events.mjs: the event contract (docs/asyncapi.yaml) against what the lab
// really writes, with the AsyncAPI Initiative's own parser (@asyncapi/parser: the
// document must be valid AsyncAPI 3) and ajv (every payload, header and key schema).
//
//   node validate-events.mjs ASYNCAPI.yaml --events-md EVENTS.md
//       static: the document parses without errors, every schema compiles in ajv's
//       strict mode, every example validates, and docs/EVENTS.md names the same topics
//       with the same fields (CTest static.asyncapi)
//   node validate-events.mjs ASYNCAPI.yaml --records FILE [--namespace NS] [--require CH,...]
//       FILE holds one JSON object per line, {"channel", "key", "headers", "value"}, as
//       taken from Kafka (channel: the topic, NS-prefixed) or the WebSocket feed
//       (channel "/ws", no key or headers); value is the raw payload text. Each is
//       validated against its channel's message; each must also FAIL once broken
//       (order_id removed, event renamed), so a schema that accepts anything cannot
//       pass; every channel of --require must have records (e2e.tst_contract)
//
// Prints one line per problem and a summary; exits 1 on any problem, 2 on bad usage.
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import fs from 'node:fs';

function usage(msg) {
  console.error(`validate-events: ${msg}\nusage: validate-events.mjs ASYNCAPI.yaml (--events-md FILE | --records FILE [--namespace NS] [--require CH,...])`);
  process.exit(2);
}

const args = process.argv.slice(2);
const docPath = args.shift();
if (!docPath) usage('no AsyncAPI document given');
const opts = {};
while (args.length) {
  const a = args.shift();
  if (!['--events-md', '--records', '--namespace', '--require'].includes(a) || !args.length) usage(`bad argument ${a}`);
  opts[a.slice(2)] = args.shift();
}
if (!opts['events-md'] === !opts.records) usage('give exactly one of --events-md and --records');

const problems = [];
const problem = (text) => {
  problems.push(text);
  console.log(`FAIL ${text}`);
};

// ------------------------------------------------------------------ the document
const { document, diagnostics } = await new Parser().parse(fs.readFileSync(docPath, 'utf8'));
for (const d of diagnostics) {
  // severity: 0 error, 1 warning, 2 information, 3 hint (Spectral's)
  if (d.severity === 0) problem(`${docPath}: ${d.message} at ${d.path.join('.')}`);
  else if (d.severity === 1) console.log(`warn ${docPath}: ${d.message} at ${d.path.join('.')}`);
}
if (!document) {
  console.log(`${problems.length} problems: ${docPath} is not a valid AsyncAPI document`);
  process.exit(1);
}

// The parser dereferences the schemas and marks each with x-parser-* ids; ajv's strict
// mode (unknown keywords are errors, so a misspelt keyword cannot pass unnoticed) gets
// them without those marks.
function plain(schema) {
  if (Array.isArray(schema)) return schema.map(plain);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !k.startsWith('x-parser-')).map(([k, v]) => [k, plain(v)]));
}

// the properties a payload schema names, its allOf parts' included
function propertiesOf(schema) {
  if (!schema) return [];
  const own = Object.keys(schema.properties || {});
  return [...new Set([...own, ...(schema.allOf || []).flatMap(propertiesOf)])];
}

const ajv = new Ajv({ strict: true, allErrors: true, strictRequired: false });
ajv.addKeyword('example'); // AsyncAPI schema annotations that JSON Schema draft 7 does not have
const channels = new Map(); // address -> {id, kafka, message: {name, payload, headers, key, examples}}
for (const ch of document.channels().all()) {
  const messages = ch.messages().all();
  if (messages.length !== 1) {
    problem(`channel ${ch.id()} (${ch.address()}) has ${messages.length} messages; this lab has one per channel`);
    continue;
  }
  const m = messages[0];
  const compile = (what, schema) => {
    if (!schema) return null;
    try {
      return ajv.compile(plain(schema));
    } catch (e) {
      problem(`channel ${ch.address()}: the ${what} schema does not compile: ${e.message}`);
      return null;
    }
  };
  const kafkaBinding = m.bindings().get('kafka')?.value();
  channels.set(ch.address(), {
    id: ch.id(),
    kafka: ch.servers().all().some((s) => s.protocol() === 'kafka'),
    name: m.name(),
    payload: compile('payload', m.payload()?.json()),
    headers: compile('headers', m.hasHeaders() ? m.headers().json() : null),
    key: compile('key', kafkaBinding?.key),
    properties: propertiesOf(plain(m.payload()?.json())),
    examples: m.examples().all().map((e) => e.payload()),
  });
}

const errorsOf = (validate) => ajv.errorsText(validate.errors, { separator: '; ' });

// ------------------------------------------------------------------ static checks
function checkStatic() {
  for (const [address, c] of channels) {
    if (!c.payload) problem(`channel ${address} has no payload schema`);
    if (c.kafka && !c.key) problem(`Kafka channel ${address} has no key schema (bindings.kafka.key)`);
    if (c.kafka && !c.headers) problem(`Kafka channel ${address} has no headers schema`);
    if (!c.examples.length) problem(`channel ${address} has no example`);
    for (const ex of c.examples) {
      if (c.payload && !c.payload(ex)) problem(`channel ${address}: its example does not validate: ${errorsOf(c.payload)}`);
    }
  }
  // docs/EVENTS.md: "### `order.created`" or "### `payment.success` / `payment.failed`",
  // followed by a table of the topic's own fields, "| `field` | type | meaning |"
  const md = fs.readFileSync(opts['events-md'], 'utf8');
  const topicsSection = md.split(/^## /m).find((s) => s.startsWith('Topics')) || '';
  const common = new Set(['event', 'order_id', 'item', 'quantity']);
  const documented = new Map();
  for (const part of topicsSection.split(/^### /m).slice(1)) {
    const topics = [...part.split('\n')[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const fields = [...part.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    for (const t of topics) documented.set(t, fields);
  }
  const kafkaAddresses = [...channels].filter(([, c]) => c.kafka).map(([a]) => a);
  for (const t of documented.keys()) if (!channels.has(t)) problem(`EVENTS.md documents topic ${t}, which ${docPath} does not have`);
  for (const a of kafkaAddresses) if (!documented.has(a)) problem(`${docPath} has topic ${a}, which EVENTS.md does not document`);
  // a section may document several topics (success / failure): its table covers the
  // union of their fields, and each topic's fields are the common ones or in the table
  for (const [t, fields] of documented) {
    const c = channels.get(t);
    if (!c) continue;
    const siblings = [...documented].filter(([, f]) => f === fields).map(([name]) => channels.get(name)).filter(Boolean);
    const union = new Set(siblings.flatMap((s) => s.properties));
    for (const f of fields) if (!union.has(f)) problem(`${t}: EVENTS.md lists the field ${f}, no schema of its section has it`);
    for (const p of c.properties) {
      if (!common.has(p) && !fields.includes(p)) problem(`${t}: its schema has the field ${p}, EVENTS.md's table does not`);
    }
  }
  console.log(`checked ${channels.size} channels (${kafkaAddresses.length} Kafka topics) of ${docPath} against ${opts['events-md']}`);
}

// ------------------------------------------------------------------ real records
function checkRecords() {
  const ns = opts.namespace ? `${opts.namespace}.` : '';
  const counts = new Map();
  const lines = fs.readFileSync(opts.records, 'utf8').split('\n').filter((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    const where = `${opts.records}:${i + 1}`;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      problem(`${where}: not JSON: ${e.message}`);
      continue;
    }
    const address = rec.channel.startsWith(ns) ? rec.channel.slice(ns.length) : rec.channel;
    const c = channels.get(address);
    if (!c) {
      problem(`${where}: no channel ${address} in ${docPath}`);
      continue;
    }
    counts.set(address, (counts.get(address) || 0) + 1);
    let payload;
    try {
      payload = JSON.parse(rec.value);
    } catch (e) {
      problem(`${where} (${address}): the payload is not JSON: ${e.message}: ${rec.value}`);
      continue;
    }
    if (!c.payload(payload)) problem(`${where} (${address}): payload: ${errorsOf(c.payload)}: ${rec.value}`);
    if (c.kafka) {
      if (!c.key(rec.key)) problem(`${where} (${address}): key ${JSON.stringify(rec.key)}: ${errorsOf(c.key)}`);
      else if (rec.key !== String(payload.order_id)) problem(`${where} (${address}): key ${rec.key} is not the order_id ${payload.order_id}`);
      if (!c.headers(rec.headers || {})) problem(`${where} (${address}): headers: ${errorsOf(c.headers)}: ${JSON.stringify(rec.headers)}`);
    }
    // the same record broken must not validate
    for (const [how, broken] of [
      ['without order_id', (({ order_id, ...rest }) => rest)(payload)],
      ['with another event name', { ...payload, event: 'order.unknown' }],
    ]) {
      if (c.payload(broken)) problem(`${where} (${address}): the payload ${how} still validates: the schema checks too little`);
    }
  }
  const summary = [...channels.keys()].map((a) => `${a} ${counts.get(a) || 0}`).join(', ');
  console.log(`validated ${lines.length} records: ${summary}`);
  for (const a of (opts.require || '').split(',').filter(Boolean)) {
    if (!counts.get(a)) problem(`no record of ${a} to validate`);
  }
}

if (opts['events-md']) checkStatic();
else checkRecords();
console.log(problems.length ? `${problems.length} problems` : 'the contract holds');
process.exit(problems.length ? 1 : 0);
