// config.js: where the page finds the APIs, and the optional bearer token.
// The page is served by notifier-service (:8000) but calls the Order API (:5000) and the
// Search API (:5100) directly, so by default it uses the page's own host name with those
// ports. Each address can be changed in the page's settings (kept in localStorage) or for
// one visit with query parameters: ?order=http://h:5000&search=http://h:5100&ws=ws://h:8000/ws
// (a relative base such as "/api/order" also works behind a same-origin proxy).

const STORAGE_KEY = 'orderlab.settings.v1';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

export function defaults(loc = window.location) {
  const host = loc.hostname || '127.0.0.1';
  const httpScheme = loc.protocol === 'https:' ? 'https:' : 'http:';
  const wsScheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const wsHost = loc.host || `${host}:8000`;
  return {
    orderApi: `${httpScheme}//${host}:5000`,
    searchApi: `${httpScheme}//${host}:5100`,
    feedUrl: `${wsScheme}//${wsHost}/ws`,
    token: '',
  };
}

/** "http://h:5000/" and "http://h:5000" are the same base; keep it without the slash. */
export function normaliseBase(url) {
  return String(url ?? '').trim().replace(/\/+$/, '');
}

/** Joins a base ("http://h:5000", "/api/order") and a path ("/create_order"). */
export function apiUrl(base, path) {
  return `${normaliseBase(base)}${path.startsWith('/') ? path : `/${path}`}`;
}

export function loadSettings(loc = window.location) {
  const d = defaults(loc);
  let saved = {};
  try {
    saved = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '{}') || {};
  } catch {
    saved = {};
  }
  const params = new URLSearchParams(loc.search);
  const pick = (key, param) => {
    const fromQuery = params.get(param);
    if (fromQuery) return { value: fromQuery, source: 'url' };
    if (typeof saved[key] === 'string' && saved[key].trim()) return { value: saved[key], source: 'saved' };
    return { value: d[key], source: 'default' };
  };
  const orderApi = pick('orderApi', 'order');
  const searchApi = pick('searchApi', 'search');
  const feedUrl = pick('feedUrl', 'ws');
  return {
    orderApi: normaliseBase(orderApi.value),
    searchApi: normaliseBase(searchApi.value),
    feedUrl: feedUrl.value.trim(),
    token: typeof saved.token === 'string' ? saved.token : '',
    sources: { orderApi: orderApi.source, searchApi: searchApi.source, feedUrl: feedUrl.source },
    defaults: d,
  };
}

/** Stores what differs from the defaults; an empty field means "use the default". */
export function saveSettings({ orderApi, searchApi, feedUrl, token }, loc = window.location) {
  const d = defaults(loc);
  const keep = (v, def) => {
    const t = String(v ?? '').trim();
    return t && normaliseBase(t) !== normaliseBase(def) ? t : '';
  };
  const value = {
    orderApi: keep(orderApi, d.orderApi),
    searchApi: keep(searchApi, d.searchApi),
    feedUrl: keep(feedUrl, d.feedUrl),
    token: String(token ?? '').trim(),
  };
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}
