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
    'feed.journey': 'Journey',
    'feed.journeyTitle': 'Show how this order went through the pipeline, hop by hop',

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
    'net.notifier': 'notifier-service',

    'journey.label': 'Journey through the pipeline',
    'journey.title': 'Journey',
    'journey.trace': 'trace',
    'journey.total': '{duration} from received to the last hop',
    'journey.ms': '{ms} ms',
    'journey.start': 'start',
    'journey.gap': 'Δ {duration}',
    'journey.gapTitle': 'time since the latest hop before it',
    'journey.loading': 'Loading the journey…',
    'journey.loadingMore': 'Asking the Order API for the whole journey…',
    'journey.none': 'No journey was recorded for this order.',
    'journey.partial': 'Up to the correlation only, as the notification carried it.',
    'journey.notFound': 'The Order API does not know this order (HTTP 404).',
    'journey.httpError': 'The Order API answered HTTP {status}: {message}',
    'hop.received': 'received',
    'hop.kafka_acknowledged': 'Kafka acknowledged',
    'hop.payment_decided': 'payment decided',
    'hop.stock_decided': 'stock decided',
    'hop.correlated': 'correlated',
    'hop.notified': 'notified',

    'pipeline.title': 'Pipeline',
    'pipeline.hint': 'consumer lag per Kafka consumer group, refreshed every 5 s',
    'pipeline.groups': 'Consumer groups',
    'pipeline.state.Stable': 'stable',
    'pipeline.state.Empty': 'no member',
    'pipeline.state.PreparingRebalance': 'rebalancing',
    'pipeline.state.CompletingRebalance': 'rebalancing',
    'pipeline.state.Dead': 'dead',
    'pipeline.state.unknown': 'state unknown',
    'pipeline.notSeen': 'not seen yet',
    'pipeline.lag': { one: 'record behind', other: 'records behind' },
    'pipeline.members': { one: '{count} member', other: '{count} members' },
    'pipeline.topicLag': '{topic}: {count} behind',
    'pipeline.perTopic': 'Per topic and partition',
    'pipeline.partition': 'partition {partition}: {lag} behind ({committed} of {end} committed)',
    'pipeline.noCommits': 'Nothing committed yet.',
    'pipeline.unavailable': 'Lag unavailable.',
    'pipeline.kafkaError': 'Kafka did not answer; these are the numbers of the last round that did:',
    'pipeline.collectedAt': 'as of {time}',
    'pipeline.stale': 'stale: last answer at {time}',
    'pipeline.broadcast': 'Not listed: the live-feed readers of notifier-service, which read {topic} outside any consumer group (broadcast readers). They commit nothing, so Kafka keeps no lag for them.',

    'explorer.range': 'Time range',
    'explorer.range.15m': 'Last 15 minutes',
    'explorer.range.1h': 'Last hour',
    'explorer.range.6h': 'Last 6 hours',
    'explorer.range.24h': 'Last 24 hours',
    'explorer.range.7d': 'Last 7 days',
    'explorer.range.custom': 'Custom range',
    'explorer.from': 'From',
    'explorer.to': 'To (empty: now)',
    'explorer.status': 'Status',
    'explorer.statusAll': 'All statuses',
    'explorer.customMissing': 'Choose when the custom range starts (and ends, or leave the end empty for now).',
    'explorer.customOrder': 'The end of the range must be after its start.',
    'explorer.title': 'Orders over time',
    'explorer.hint': '{from} – {to} · one bar per {interval}',
    'explorer.total': 'total',
    'explorer.summary': 'Orders created from {from} to {to}, one bar per {interval}: {total} in all, {confirmed} confirmed, {failed} failed, {created} not decided yet; at most {peak} in one bar.',
    'explorer.empty': 'No orders created from {from} to {to}.',
    'explorer.failed': 'Histogram unavailable: HTTP {status}, {message}',
    'explorer.notStats': 'The Search API answered something that is not a histogram.',

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
    'feed.journey': 'Hành trình',
    'feed.journeyTitle': 'Xem đơn hàng này đi qua luồng xử lý thế nào, từng chặng một',

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
    'net.notifier': 'notifier-service',

    'journey.label': 'Hành trình qua luồng xử lý',
    'journey.title': 'Hành trình',
    'journey.trace': 'trace',
    'journey.total': '{duration} từ lúc nhận đến chặng cuối',
    'journey.ms': '{ms} ms',
    'journey.start': 'bắt đầu',
    'journey.gap': 'Δ {duration}',
    'journey.gapTitle': 'thời gian kể từ chặng gần nhất trước nó',
    'journey.loading': 'Đang tải hành trình…',
    'journey.loadingMore': 'Đang hỏi Order API toàn bộ hành trình…',
    'journey.none': 'Không có hành trình nào được ghi lại cho đơn hàng này.',
    'journey.partial': 'Chỉ đến bước đối chiếu, theo nội dung của thông báo.',
    'journey.notFound': 'Order API không biết đơn hàng này (HTTP 404).',
    'journey.httpError': 'Order API trả lời HTTP {status}: {message}',
    'hop.received': 'đã nhận',
    'hop.kafka_acknowledged': 'Kafka đã xác nhận',
    'hop.payment_decided': 'đã quyết định thanh toán',
    'hop.stock_decided': 'đã quyết định kho',
    'hop.correlated': 'đã đối chiếu',
    'hop.notified': 'đã thông báo',

    'pipeline.title': 'Luồng xử lý',
    'pipeline.hint': 'độ trễ (lag) của từng consumer group Kafka, cập nhật mỗi 5 giây',
    'pipeline.groups': 'Các consumer group',
    'pipeline.state.Stable': 'ổn định',
    'pipeline.state.Empty': 'không có thành viên',
    'pipeline.state.PreparingRebalance': 'đang cân bằng lại',
    'pipeline.state.CompletingRebalance': 'đang cân bằng lại',
    'pipeline.state.Dead': 'đã ngừng',
    'pipeline.state.unknown': 'không rõ trạng thái',
    'pipeline.notSeen': 'chưa thấy',
    'pipeline.lag': { other: 'bản ghi chưa xử lý' },
    'pipeline.members': { other: '{count} thành viên' },
    'pipeline.topicLag': '{topic}: chậm {count}',
    'pipeline.perTopic': 'Theo topic và phân vùng',
    'pipeline.partition': 'phân vùng {partition}: chậm {lag} (đã commit {committed} trên {end})',
    'pipeline.noCommits': 'Chưa commit gì.',
    'pipeline.unavailable': 'Không lấy được độ trễ.',
    'pipeline.kafkaError': 'Kafka không trả lời; đây là số liệu của lần gần nhất có trả lời:',
    'pipeline.collectedAt': 'lúc {time}',
    'pipeline.stale': 'đã cũ: lần trả lời cuối lúc {time}',
    'pipeline.broadcast': 'Không liệt kê: các bộ đọc thông báo trực tiếp của notifier-service, đọc {topic} ngoài mọi consumer group (đọc quảng bá). Chúng không commit gì, nên Kafka không giữ độ trễ cho chúng.',

    'explorer.range': 'Khoảng thời gian',
    'explorer.range.15m': '15 phút qua',
    'explorer.range.1h': '1 giờ qua',
    'explorer.range.6h': '6 giờ qua',
    'explorer.range.24h': '24 giờ qua',
    'explorer.range.7d': '7 ngày qua',
    'explorer.range.custom': 'Tùy chọn',
    'explorer.from': 'Từ',
    'explorer.to': 'Đến (để trống: bây giờ)',
    'explorer.status': 'Trạng thái',
    'explorer.statusAll': 'Mọi trạng thái',
    'explorer.customMissing': 'Hãy chọn thời điểm bắt đầu (và kết thúc, hoặc để trống để lấy bây giờ).',
    'explorer.customOrder': 'Thời điểm kết thúc phải sau thời điểm bắt đầu.',
    'explorer.title': 'Đơn hàng theo thời gian',
    'explorer.hint': '{from} – {to} · mỗi cột {interval}',
    'explorer.total': 'tổng',
    'explorer.summary': 'Đơn hàng tạo từ {from} đến {to}, mỗi cột {interval}: tổng {total}, {confirmed} đã xác nhận, {failed} thất bại, {created} chưa quyết định; nhiều nhất {peak} trong một cột.',
    'explorer.empty': 'Không có đơn hàng nào tạo từ {from} đến {to}.',
    'explorer.failed': 'Không lấy được biểu đồ: HTTP {status}, {message}',
    'explorer.notStats': 'Search API trả về dữ liệu không phải biểu đồ.',

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
