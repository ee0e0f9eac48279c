// pipeline.js: the consumer groups of the pipeline and how far behind each one is, from
// notifier-service's GET /kafka/lag (same origin as the page; notifier-service asks Kafka
// every few seconds and answers from that last round). One card per group: its state,
// members and lag (total; per topic and partition when expanded).

import { h, formatNumber, formatTime } from './format.js';
import { t } from './i18n.js';

/** The lab's consumer groups, in pipeline order; they are shown even before Kafka knows them. */
export const GROUPS = ['payment-service', 'inventory-service', 'notifier-service', 'search-service'];
export const REFRESH_MS = 5000;

/** The answer is stale when its round is older than this (three rounds, at least 15 s). */
export function staleAfterMs(intervalMs) {
  return Math.max(15000, 3 * (Number.isFinite(intervalMs) && intervalMs > 0 ? intervalMs : REFRESH_MS));
}

/**
 * The page's view of a /kafka/lag answer. Group and topic names lose the namespace
 * (LAB_NAMESPACE: "<ns>.payment-service", "<ns>.order.created"), which the broadcast
 * readers' topic ("<ns>.order.notification") tells.
 */
export function lagView(body, nowMs = Date.now()) {
  const notificationTopic = typeof body?.broadcast_readers?.topic === 'string' ? body.broadcast_readers.topic : 'order.notification';
  const prefix = notificationTopic.endsWith('order.notification') ? notificationTopic.slice(0, -'order.notification'.length) : '';
  const bare = (name) => (prefix && String(name).startsWith(prefix) ? String(name).slice(prefix.length) : String(name));
  const collectedAt = typeof body?.collected_at === 'string' ? Date.parse(body.collected_at) : NaN;
  const groups = new Map(GROUPS.map((service) => [service, { service, known: false, state: '', members: null, lag: null, topics: [] }]));
  for (const g of Array.isArray(body?.groups) ? body.groups : []) {
    if (!g || typeof g.group !== 'string') continue;
    const service = bare(g.group);
    groups.set(service, {
      service,
      known: true,
      state: typeof g.state === 'string' ? g.state : '',
      members: Number.isSafeInteger(g.members) ? g.members : null,
      lag: Number.isSafeInteger(g.lag) ? g.lag : null,
      topics: (Array.isArray(g.topics) ? g.topics : []).filter((x) => x && typeof x.topic === 'string').map((x) => ({
        topic: bare(x.topic),
        lag: Number.isSafeInteger(x.lag) ? x.lag : null,
        partitions: (Array.isArray(x.partitions) ? x.partitions : []).filter((p) => p && Number.isSafeInteger(p.partition)),
      })),
    });
  }
  return {
    collectedAt: Number.isFinite(collectedAt) ? collectedAt : null,
    stale: Number.isFinite(collectedAt) && nowMs - collectedAt > staleAfterMs(body?.interval_ms),
    error: typeof body?.error === 'string' && body.error ? body.error : '',
    groups: [...groups.values()],
    broadcastTopic: bare(notificationTopic),
  };
}

/** The Kafka group states librdkafka reports; others are shown as they came. */
const STATES = ['Stable', 'Empty', 'PreparingRebalance', 'CompletingRebalance', 'Dead'];

function stateText(state) {
  if (STATES.includes(state)) return t(`pipeline.state.${state}`);
  return state || t('pipeline.state.unknown');
}

function groupCard(g) {
  const behind = g.lag !== null && g.lag > 0;
  const level = !g.known ? 'unknown' : behind ? 'behind' : g.lag === 0 ? 'ok' : 'unknown';
  const topicLine = (x) => t('pipeline.topicLag', { topic: x.topic, count: formatNumber(x.lag) });
  const card = h('li', {
    class: `group group--${level}`,
    dataset: { group: g.service, lag: g.lag === null ? '' : String(g.lag), members: g.members === null ? '' : String(g.members), state: g.state },
    title: g.topics.map(topicLine).join('\n') || null,
  },
  h('div', { class: 'group__head' },
    h('span', { class: 'group__name', translate: 'no' }, g.service),
    h('span', { class: `group__state group__state--${g.state || 'unknown'}` }, g.known ? stateText(g.state) : t('pipeline.notSeen'))),
  h('div', { class: 'group__numbers' },
    h('span', { class: 'group__lag' },
      h('b', { class: 'group__lag-value' }, g.lag === null ? '–' : formatNumber(g.lag)),
      ' ', h('span', { class: 'group__lag-label' }, t('pipeline.lag', { n: g.lag ?? 0 }))),
    h('span', { class: 'group__members' },
      t('pipeline.members', { n: g.members ?? 0, count: g.members === null ? '–' : formatNumber(g.members) }))));
  if (g.topics.length) {
    const rows = g.topics.map((x) => h('li', { class: `group__topic${x.lag > 0 ? ' group__topic--behind' : ''}`, dataset: { topic: x.topic, lag: String(x.lag ?? '') } },
      h('span', { class: 'group__topic-name', translate: 'no' }, x.topic),
      h('b', {}, formatNumber(x.lag)),
      h('span', { class: 'group__partitions' }, x.partitions.map((p) => h('span', { class: 'group__partition' }, t('pipeline.partition', {
        partition: p.partition, lag: formatNumber(p.lag), committed: formatNumber(p.committed), end: formatNumber(p.end),
      }))))));
    card.append(h('details', { class: 'group__details' },
      h('summary', {}, t('pipeline.perTopic', { n: g.topics.length, count: formatNumber(g.topics.length) })),
      h('ul', { class: 'group__topics' }, rows)));
  } else if (g.known) {
    card.append(h('p', { class: 'group__empty' }, t('pipeline.noCommits')));
  }
  return card;
}

/**
 * Draws the panel from `result`: {view} (a lagView) or {failure: message} (no answer at
 * all), keeping which cards' details were open.
 */
export function renderPipeline({ list, status, note }, result) {
  const open = new Set([...list.querySelectorAll('details[open]')].map((d) => d.closest('[data-group]')?.dataset.group));
  const view = result.view;
  if (view) {
    list.replaceChildren(...view.groups.map(groupCard));
    for (const d of list.querySelectorAll('details')) if (open.has(d.closest('[data-group]').dataset.group)) d.open = true;
  }
  const parts = [];
  let kind = 'ok';
  if (result.failure) {
    kind = 'error';
    parts.push(h('strong', {}, t('pipeline.unavailable')), ' ', result.failure);
  } else if (view?.error) {
    kind = 'error';
    parts.push(h('strong', {}, t('pipeline.kafkaError')), ' ', h('span', { lang: 'en', translate: 'no' }, view.error));
  }
  if (view?.collectedAt) {
    if (view.stale) kind = 'error';
    parts.push(h('span', { class: 'pipeline__when' }, (parts.length ? ' · ' : ''),
      t(view.stale ? 'pipeline.stale' : 'pipeline.collectedAt', { time: formatTime(view.collectedAt) })));
  }
  status.className = `pipeline__status pipeline__status--${kind}`;
  status.dataset.state = result.failure ? 'unavailable' : result.waiting ? 'waiting'
    : view.error ? 'error' : view.stale ? 'stale' : 'fresh';
  status.dataset.collectedAt = view?.collectedAt ? new Date(view.collectedAt).toISOString() : '';
  status.replaceChildren(...parts);
  if (view) note.textContent = t('pipeline.broadcast', { topic: view.broadcastTopic });
}
