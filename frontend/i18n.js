// i18n.js: every word the page shows, in English and in Vietnamese (the lab's seed is
// Vietnamese), and the language in use. One dictionary per language, with the same
// keys (the browser test checks that). index.html names its texts with data-i18n
// attributes; the scripts call t('key', {params}). Numbers, percentages, durations and
// times are formatted by Intl for the chosen language (format.js).
//
// What the services say stays as they said it, in English: the APIs' error messages,
// failure reasons, HTTP reason phrases. They are part of the contract.
//
// A message is a string with {name} placeholders, or {one, other} plural forms chosen by
// Intl.PluralRules from the number params.n (Vietnamese has only "other"); numbers in
// the text come formatted (formatNumber) in their own parameter.

export const LANGUAGES = ['en', 'vi'];
/** Each language in its own words, for the EN | VI switch. */
export const NATIVE_NAMES = { en: 'English', vi: 'Tiếng Việt' };
const INTL_LOCALES = { en: 'en-US', vi: 'vi-VN' };
const STORAGE_KEY = 'orderlab.lang';
/** Dispatched on window after the language changed: re-render what scripts wrote. */
export const LANGUAGE_EVENT = 'orderlab:language';

export const messages = {
  en: {
    'page.title': 'Order Lab · live operations',
    'page.titleDisconnected': '(disconnected) Order Lab',
    'page.description': 'Live order outcomes, new orders and order search for the Kafka order lab.',
    'page.skip': 'Skip to the live feed',
    'brand.name': 'Order Lab',
    'brand.tag': 'Kafka order pipeline · live operations',
    'lang.group': 'Language',

    'conn.connecting': 'Connecting…',
    'conn.reconnecting': 'Reconnecting…',
    'conn.live': 'Live',
    'conn.disconnected': 'Disconnected',
    'conn.liveFeed': 'live feed',
    'conn.connectedAt': 'connected at {time}',
    'conn.attempt': 'attempt {n}',
    'conn.retryingIn': 'retrying in {seconds} s',
    'conn.notRetrying': 'not retrying',
    'conn.retryNow': 'Retry now',
    'conn.announceOpen': 'Live feed connected.',
    'conn.announceClosed': 'Live feed disconnected; reconnecting automatically.',

    'settings.open': 'Settings',
    'settings.title': 'Settings',
    'settings.text': 'Addresses this page talks to. Leave a field empty for its default. Saved in this browser only.',
    'settings.orderApi': 'Order API base URL',
    'settings.searchApi': 'Search API base URL',
    'settings.feedUrl': 'Live feed WebSocket URL',
    'settings.token': 'Bearer token {optional}',
    'settings.optional': '(optional)',
    'settings.tokenHint': 'Sent as {code} with new orders; kept in this browser\'s localStorage.',
    'settings.fromUrl': 'Some addresses come from this page\'s URL parameters and override what is saved here.',
    'settings.cancel': 'Cancel',
    'settings.save': 'Save',

    'stats.group': 'Outcomes in the feed',
    'stats.confirmed': 'Confirmed',
    'stats.failed': 'Failed',
    'stats.successRate': 'Success rate',
    'stats.lastMinute': 'Last 60 s',
    'stats.decisionTime': 'Decision time {p50}',
    'stats.median': 'median',

    'feed.title': 'Live feed',
    'feed.count': { one: '{count} order', other: '{count} orders' },
    'feed.shown': '{count} shown',
    'feed.filterGroup': 'Show outcomes',
    'feed.all': 'All',
    'feed.confirmed': 'Confirmed',
    'feed.failed': 'Failed',
    'feed.filterLabel': 'Filter the feed by item or order id',
    'feed.filterPlaceholder': 'Item or #id',
    'feed.banner': '{title} Outcomes decided meanwhile show up when it reconnects: the server replays its last 100.',
    'feed.bannerTitle': 'Live feed disconnected.',
    'feed.emptyTitle': 'Waiting for order outcomes',
    'feed.emptyText': 'Every order appears here the moment it is confirmed or fails. Create one on the right.',
    'feed.none': 'No entries match this filter.',
    'feed.orderId': 'order id',
    'feed.latencyTitle': 'from accepted to decided',
    'feed.decidedIn': 'decided in {duration}',
    'feed.backlog': 'backlog',
    'feed.backlogTitle': 'Replayed by the server when this page connected: it was decided before.',
    'feed.noItem': '(no item)',

    'status.confirmed': 'confirmed',
    'status.failed': 'failed',
    'status.created': 'created',
    'status.paid': 'paid',
    'status.reserved': 'reserved',
    'status.unknown': 'unknown',

    'order.title': 'New order',
    'order.noToken': 'no token',
    'order.tokenSet': 'bearer token ••••{last4}',
    'order.tokenSetTitle': 'New orders carry Authorization: Bearer (change in Settings)',
    'order.noTokenTitle': 'Set a bearer token in Settings if the Order API needs one',
    'order.id': 'Order ID',
    'order.newId': 'New ID',
    'order.newIdTitle': 'Generate a fresh order ID',
    'order.idHint': 'A whole number from 1 to {max}, one per order.',
    'order.item': 'Item',
    'order.itemPlaceholder': 'e.g. mouse',
    'order.quantity': 'Quantity',
    'order.submit': 'Create order',
    'order.fixFields': { one: 'Please fix the highlighted field', other: 'Please fix the highlighted fields' },
    'order.nothingSent': 'Nothing was sent.',
    'order.sending': 'Sending order #{id}…',
    'order.accepted': 'Order #{id} accepted',
    'order.waiting': 'Waiting for payment and inventory…',
    'order.notSent': 'Not sent',
    'order.field': '(field {field})',
    'order.confirmedAt': 'at {time}',
    'order.decidedIn': 'decided in {duration}',
    'order.noReason': 'no reason given',
    'order.asking': 'Asking the Order API…',
    'order.decidedEarlier': 'Already decided earlier; see the search below.',
    'order.noOutcomeYet': 'No outcome on the feed yet.',
    'order.checkStatus': 'Check status',
    'order.advice409': 'That order id was already used for a different order. Press "New ID".',
    'order.advice413': 'The request is too large.',
    'order.advice401': 'The Order API wants a bearer token: set one in Settings.',
    'order.advice403': 'The bearer token was refused: check it in Settings.',
    'order.advice503': 'A backing service is down; nothing was accepted. Try again in a moment.',

    'validate.idRequired': 'order_id is required',
    'validate.idRange': 'order_id must be an integer from 1 to {max}',
    'validate.itemEmpty': 'item must not be empty',
    'validate.itemLength': 'item must be at most {max} characters',
    'validate.itemControl': 'item must not contain control characters',
    'validate.quantityRequired': 'quantity is required',
    'validate.quantityRange': 'quantity must be an integer from 1 to {max}',

    'chart.title': 'Outcomes per second',
    'chart.window': 'last 5 minutes',
    'chart.windowBars': 'last 5 minutes · one bar per {seconds} s',
    'chart.confirmed': 'confirmed',
    'chart.failed': 'failed',
    'chart.summary': 'Last 5 minutes: {confirmed} confirmed and {failed} failed, at most {peak} in one second.',
    'chart.empty': 'No outcomes in the last 5 minutes.',
    'chart.now': 'now',
    'chart.minutesAgo': '−{minutes}m',

    'search.title': 'Search orders',
    'search.hint': 'order log in Elasticsearch, newest first',
    'search.item': 'Item',
    'search.itemPlaceholder': 'e.g. mouse (empty: every order)',
    'search.size': 'Per page',
    'search.submit': 'Search',
    'search.caption': 'Search results',
    'search.captionFor': 'Search results matching “{item}”',
    'search.colId': 'Order ID',
    'search.colItem': 'Item',
    'search.colQuantity': 'Quantity',
    'search.colStatus': 'Status',
    'search.colTime': 'Time',
    'search.prompt': 'Press Search to list orders.',
    'search.prev': '← Previous',
    'search.next': 'Next →',
    'search.notList': 'The Search API answered something that is not a list.',
    'search.failed': 'Search failed: HTTP {status}, {message}',
    'search.noneYet': 'No orders yet.',
    'search.noneFor': 'No orders matching “{item}”.',
    'search.noMore': 'No more orders.',
    'search.noMoreFor': 'No more orders matching “{item}”.',
    'search.range': 'Orders {from}–{to}',
    'search.rangeFor': 'Orders {from}–{to} matching “{item}”',

    'net.timeout': '{api} at {origin} did not answer within {seconds} s.',
    'net.unreachable': 'Could not reach {api} at {origin}. Either it is not running, or it does not allow '
      + 'calls from this page (it must answer with CORS headers for {page}). The address can be changed in Settings.',
    'net.orderApi': 'the Order API',
    'net.searchApi': 'the Search API',
    'net.noDetails': 'no details',

    'footer.orderApi': 'Order API {link}',
    'footer.searchApi': 'Search API {link}',
    'footer.feed': 'Feed {url}',
  },

  vi: {
    'page.title': 'Order Lab · vận hành trực tiếp',
    'page.titleDisconnected': '(mất kết nối) Order Lab',
    'page.description': 'Kết quả đơn hàng theo thời gian thực, tạo và tìm kiếm đơn hàng cho Kafka order lab.',
    'page.skip': 'Chuyển đến thông báo trực tiếp',
    'brand.name': 'Order Lab',
    'brand.tag': 'Luồng đơn hàng qua Kafka · vận hành trực tiếp',
    'lang.group': 'Ngôn ngữ',

    'conn.connecting': 'Đang kết nối…',
    'conn.reconnecting': 'Đang kết nối lại…',
    'conn.live': 'Trực tiếp',
    'conn.disconnected': 'Mất kết nối',
    'conn.liveFeed': 'thông báo trực tiếp',
    'conn.connectedAt': 'kết nối lúc {time}',
    'conn.attempt': 'lần thử {n}',
    'conn.retryingIn': 'thử lại sau {seconds} giây',
    'conn.notRetrying': 'không thử lại',
    'conn.retryNow': 'Thử lại ngay',
    'conn.announceOpen': 'Đã kết nối thông báo trực tiếp.',
    'conn.announceClosed': 'Mất kết nối thông báo trực tiếp; đang tự động kết nối lại.',

    'settings.open': 'Cài đặt',
    'settings.title': 'Cài đặt',
    'settings.text': 'Các địa chỉ trang này kết nối tới. Để trống một ô để dùng giá trị mặc định. Chỉ lưu trong trình duyệt này.',
    'settings.orderApi': 'URL gốc của Order API',
    'settings.searchApi': 'URL gốc của Search API',
    'settings.feedUrl': 'URL WebSocket của thông báo trực tiếp',
    'settings.token': 'Bearer token {optional}',
    'settings.optional': '(không bắt buộc)',
    'settings.tokenHint': 'Gửi dạng {code} kèm mỗi đơn hàng mới; lưu trong localStorage của trình duyệt này.',
    'settings.fromUrl': 'Một số địa chỉ lấy từ tham số URL của trang này và ghi đè giá trị đã lưu ở đây.',
    'settings.cancel': 'Hủy',
    'settings.save': 'Lưu',

    'stats.group': 'Kết quả trong thông báo trực tiếp',
    'stats.confirmed': 'Đã xác nhận',
    'stats.failed': 'Thất bại',
    'stats.successRate': 'Tỉ lệ thành công',
    'stats.lastMinute': '60 giây qua',
    'stats.decisionTime': 'Thời gian quyết định {p50}',
    'stats.median': 'trung vị',

    'feed.title': 'Thông báo trực tiếp',
    'feed.count': { other: '{count} đơn hàng' },
    'feed.shown': 'đang hiện {count}',
    'feed.filterGroup': 'Hiện kết quả',
    'feed.all': 'Tất cả',
    'feed.confirmed': 'Đã xác nhận',
    'feed.failed': 'Thất bại',
    'feed.filterLabel': 'Lọc thông báo theo mặt hàng hoặc mã đơn hàng',
    'feed.filterPlaceholder': 'Mặt hàng, #mã',
    'feed.banner': '{title} Các kết quả được quyết định trong lúc này sẽ hiện khi kết nối lại: máy chủ phát lại 100 thông báo gần nhất.',
    'feed.bannerTitle': 'Mất kết nối thông báo trực tiếp.',
    'feed.emptyTitle': 'Đang chờ kết quả đơn hàng',
    'feed.emptyText': 'Mỗi đơn hàng hiện ở đây ngay khi được xác nhận hoặc thất bại. Hãy tạo một đơn hàng ở bên phải.',
    'feed.none': 'Không có mục nào khớp với bộ lọc này.',
    'feed.orderId': 'mã đơn hàng',
    'feed.latencyTitle': 'từ lúc được chấp nhận đến lúc quyết định',
    'feed.decidedIn': 'quyết định sau {duration}',
    'feed.backlog': 'phát lại',
    'feed.backlogTitle': 'Máy chủ phát lại khi trang này kết nối: đơn hàng đã được quyết định từ trước.',
    'feed.noItem': '(không có mặt hàng)',

    'status.confirmed': 'đã xác nhận',
    'status.failed': 'thất bại',
    'status.created': 'đã tạo',
    'status.paid': 'đã thanh toán',
    'status.reserved': 'đã giữ hàng',
    'status.unknown': 'không rõ',

    'order.title': 'Đơn hàng mới',
    'order.noToken': 'không có token',
    'order.tokenSet': 'bearer token ••••{last4}',
    'order.tokenSetTitle': 'Đơn hàng mới được gửi kèm Authorization: Bearer (đổi trong Cài đặt)',
    'order.noTokenTitle': 'Đặt bearer token trong Cài đặt nếu Order API yêu cầu',
    'order.id': 'Mã đơn hàng',
    'order.newId': 'Mã mới',
    'order.newIdTitle': 'Tạo một mã đơn hàng mới',
    'order.idHint': 'Một số nguyên từ 1 đến {max}, mỗi đơn hàng một mã.',
    'order.item': 'Mặt hàng',
    'order.itemPlaceholder': 'ví dụ: mouse',
    'order.quantity': 'Số lượng',
    'order.submit': 'Tạo đơn hàng',
    'order.fixFields': { other: 'Hãy sửa các ô được đánh dấu' },
    'order.nothingSent': 'Chưa có gì được gửi.',
    'order.sending': 'Đang gửi đơn hàng #{id}…',
    'order.accepted': 'Đơn hàng #{id} đã được chấp nhận',
    'order.waiting': 'Đang chờ thanh toán (payment) và kho hàng (inventory)…',
    'order.notSent': 'Chưa gửi',
    'order.field': '(trường {field})',
    'order.confirmedAt': 'lúc {time}',
    'order.decidedIn': 'quyết định sau {duration}',
    'order.noReason': 'không có lý do',
    'order.asking': 'Đang hỏi Order API…',
    'order.decidedEarlier': 'Đã được quyết định từ trước; xem phần tìm kiếm bên dưới.',
    'order.noOutcomeYet': 'Chưa có kết quả trong thông báo trực tiếp.',
    'order.checkStatus': 'Kiểm tra trạng thái',
    'order.advice409': 'Mã đơn hàng này đã được dùng cho một đơn hàng khác. Hãy nhấn "Mã mới".',
    'order.advice413': 'Yêu cầu quá lớn.',
    'order.advice401': 'Order API yêu cầu bearer token: hãy đặt trong Cài đặt.',
    'order.advice403': 'Bearer token bị từ chối: hãy kiểm tra lại trong Cài đặt.',
    'order.advice503': 'Một dịch vụ hạ tầng đang ngừng; chưa có gì được chấp nhận. Hãy thử lại sau ít phút.',

    'validate.idRequired': 'cần nhập order_id',
    'validate.idRange': 'order_id phải là số nguyên từ 1 đến {max}',
    'validate.itemEmpty': 'item không được để trống',
    'validate.itemLength': 'item tối đa {max} ký tự',
    'validate.itemControl': 'item không được chứa ký tự điều khiển',
    'validate.quantityRequired': 'cần nhập quantity',
    'validate.quantityRange': 'quantity phải là số nguyên từ 1 đến {max}',

    'chart.title': 'Kết quả mỗi giây',
    'chart.window': '5 phút qua',
    'chart.windowBars': '5 phút qua · mỗi cột {seconds} giây',
    'chart.confirmed': 'đã xác nhận',
    'chart.failed': 'thất bại',
    'chart.summary': '5 phút qua: {confirmed} đã xác nhận và {failed} thất bại, nhiều nhất {peak} trong một giây.',
    'chart.empty': 'Không có kết quả nào trong 5 phút qua.',
    'chart.now': 'bây giờ',
    'chart.minutesAgo': '−{minutes} ph',

    'search.title': 'Tìm kiếm đơn hàng',
    'search.hint': 'nhật ký đơn hàng trong Elasticsearch, mới nhất trước',
    'search.item': 'Mặt hàng',
    'search.itemPlaceholder': 'ví dụ: mouse (để trống: mọi đơn hàng)',
    'search.size': 'Mỗi trang',
    'search.submit': 'Tìm kiếm',
    'search.caption': 'Kết quả tìm kiếm',
    'search.captionFor': 'Kết quả tìm kiếm cho “{item}”',
    'search.colId': 'Mã đơn hàng',
    'search.colItem': 'Mặt hàng',
    'search.colQuantity': 'Số lượng',
    'search.colStatus': 'Trạng thái',
    'search.colTime': 'Thời gian',
    'search.prompt': 'Nhấn Tìm kiếm để liệt kê đơn hàng.',
    'search.prev': '← Trang trước',
    'search.next': 'Trang sau →',
    'search.notList': 'Search API trả về dữ liệu không phải danh sách.',
    'search.failed': 'Tìm kiếm thất bại: HTTP {status}, {message}',
    'search.noneYet': 'Chưa có đơn hàng nào.',
    'search.noneFor': 'Không có đơn hàng nào khớp với “{item}”.',
    'search.noMore': 'Hết đơn hàng.',
    'search.noMoreFor': 'Hết đơn hàng khớp với “{item}”.',
    'search.range': 'Đơn hàng {from}–{to}',
    'search.rangeFor': 'Đơn hàng {from}–{to} khớp với “{item}”',

    'net.timeout': '{api} tại {origin} không trả lời trong {seconds} giây.',
    'net.unreachable': 'Không kết nối được {api} tại {origin}. Có thể dịch vụ chưa chạy, hoặc không cho phép '
      + 'trang này gọi (nó phải trả lời kèm header CORS cho {page}). Có thể đổi địa chỉ trong Cài đặt.',
    'net.orderApi': 'Order API',
    'net.searchApi': 'Search API',
    'net.noDetails': 'không có chi tiết',

    'footer.orderApi': 'Order API {link}',
    'footer.searchApi': 'Search API {link}',
    'footer.feed': 'Thông báo trực tiếp {url}',
  },
};

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

/**
 * The saved choice if it is one we have, else the first of the browser's languages we
 * have (navigator.languages, most wanted first), else English.
 */
export function pickLanguage(saved, preferred = []) {
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of preferred) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'en';
}

let current = pickLanguage(
  storage()?.getItem(STORAGE_KEY),
  typeof navigator === 'undefined' ? [] : (navigator.languages?.length ? navigator.languages : [navigator.language]),
);

export function language() {
  return current;
}

/**
 * The locale Intl formats with: the browser's own when it speaks the chosen language
 * (en-GB keeps its dates), else the language's usual one.
 */
export function intlLocale(lang = current) {
  const own = typeof navigator === 'undefined' ? '' : navigator.language || '';
  return own.toLowerCase().split(/[-_]/)[0] === lang ? own : INTL_LOCALES[lang];
}

const pluralRules = new Map();

/** The message `key` in the current language with {name} replaced from params. */
export function t(key, params = {}) {
  let m = messages[current][key] ?? messages.en[key];
  if (m === undefined) return key; // the browser test fails on any key shown as such
  if (typeof m === 'object') {
    const locale = intlLocale();
    if (!pluralRules.has(locale)) pluralRules.set(locale, new Intl.PluralRules(locale));
    m = m[pluralRules.get(locale).select(Number(params.n ?? 0))] ?? m.other;
  }
  return m.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * The message as DOM nodes: text, with each {name} replaced by the node in `slots`
 * (markup stays in index.html, words in the dictionary).
 */
export function tNodes(key, slots = {}) {
  const text = t(key);
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(slots[m[1]] ?? document.createTextNode(m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/**
 * Puts the words of the current language into `root`:
 *  - data-i18n="key": the element's text; its children with data-slot="name" stay and
 *    fill the message's {name};
 *  - data-i18n-attr="attribute:key; …": attributes (placeholder, title, aria-label, …).
 */
export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const slots = {};
    for (const child of el.querySelectorAll(':scope > [data-slot]')) slots[child.dataset.slot] = child;
    el.replaceChildren(...tNodes(el.dataset.i18n, slots));
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

/**
 * Switches the page to `lang`: remembered in localStorage, <html lang> follows, the
 * static texts are replaced and LANGUAGE_EVENT is dispatched on window for the rest.
 */
export function setLanguage(lang, { remember = true } = {}) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  if (remember) {
    try {
      storage()?.setItem(STORAGE_KEY, lang);
    } catch {
      // storage full or refused: the choice lasts for this visit
    }
  }
  document.documentElement.lang = lang;
  translateDom();
  window.dispatchEvent(new CustomEvent(LANGUAGE_EVENT, { detail: { lang } }));
}
