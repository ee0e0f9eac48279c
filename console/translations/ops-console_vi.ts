<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>ApiReply</name>
    <message>
        <source>no answer within %1 s</source>
        <translation>không có phản hồi trong %1 giây</translation>
    </message>
    <message>
        <source>no answer: %1</source>
        <translation>không có phản hồi: %1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>lỗi không rõ</translation>
    </message>
    <message>
        <source>(field: %1)</source>
        <translation>(trường: %1)</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Đã tạo</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Đã nhận</translation>
    </message>
    <message>
        <source>No Content</source>
        <translation>Không có nội dung</translation>
    </message>
    <message>
        <source>Bad Request</source>
        <translation>Yêu cầu không hợp lệ</translation>
    </message>
    <message>
        <source>Unauthorized</source>
        <translation>Chưa xác thực</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>Bị từ chối</translation>
    </message>
    <message>
        <source>Not Found</source>
        <translation>Không tìm thấy</translation>
    </message>
    <message>
        <source>Method Not Allowed</source>
        <translation>Phương thức không được phép</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>Xung đột</translation>
    </message>
    <message>
        <source>Length Required</source>
        <translation>Thiếu độ dài nội dung</translation>
    </message>
    <message>
        <source>Payload Too Large</source>
        <translation>Nội dung quá lớn</translation>
    </message>
    <message>
        <source>Unsupported Media Type</source>
        <translation>Kiểu nội dung không được hỗ trợ</translation>
    </message>
    <message>
        <source>Too Many Requests</source>
        <translation>Quá nhiều yêu cầu</translation>
    </message>
    <message>
        <source>Request Header Fields Too Large</source>
        <translation>Header của yêu cầu quá lớn</translation>
    </message>
    <message>
        <source>Internal Server Error</source>
        <translation>Lỗi nội bộ của máy chủ</translation>
    </message>
    <message>
        <source>Bad Gateway</source>
        <translation>Gateway lỗi</translation>
    </message>
    <message>
        <source>Service Unavailable</source>
        <translation>Dịch vụ không khả dụng</translation>
    </message>
    <message>
        <source>Gateway Timeout</source>
        <translation>Gateway hết thời gian chờ</translation>
    </message>
    <message>
        <source>Server Error</source>
        <translation>Lỗi máy chủ</translation>
    </message>
    <message>
        <source>Client Error</source>
        <translation>Lỗi phía client</translation>
    </message>
</context>
<context>
    <name>ConsoleSettings</name>
    <message>
        <source>Order API base URL (default %1).</source>
        <translation>URL gốc của Order API (mặc định %1).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Search API base URL (default %1).</source>
        <translation>URL gốc của Search API (mặc định %1).</translation>
    </message>
    <message>
        <source>Notifier WebSocket URL (default %1).</source>
        <translation>URL WebSocket của notifier-service (mặc định %1).</translation>
    </message>
    <message>
        <source>payment-service health URL (default %1).</source>
        <translation>URL kiểm tra tình trạng của payment-service (mặc định %1).</translation>
    </message>
    <message>
        <source>inventory-service health URL (default %1).</source>
        <translation>URL kiểm tra tình trạng của inventory-service (mặc định %1).</translation>
    </message>
    <message>
        <source>Host of every endpoint not given explicitly (default ports kept).</source>
        <translation>Máy chủ (host) cho mọi endpoint không được chỉ định riêng (giữ cổng mặc định).</translation>
    </message>
    <message>
        <source>host</source>
        <translation>host</translation>
    </message>
    <message>
        <source>API token sent as &apos;Authorization: Bearer&apos; on POST.</source>
        <translation>Token API gửi kèm dạng &apos;Authorization: Bearer&apos; khi POST.</translation>
    </message>
    <message>
        <source>token</source>
        <translation>token</translation>
    </message>
    <message>
        <source>Request timeout in milliseconds (default 10000).</source>
        <translation>Thời gian chờ mỗi yêu cầu, tính bằng mili giây (mặc định 10000).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Language of the console: en or vi (default: the saved setting, else the system&apos;s).</source>
        <translation>Ngôn ngữ của console: en hoặc vi (mặc định: theo cài đặt đã lưu, nếu không thì theo hệ thống).</translation>
    </message>
    <message>
        <source>code</source>
        <translation>mã</translation>
    </message>
    <message>
        <source>--host: &apos;%1&apos; is not a host name</source>
        <translation>--host: &apos;%1&apos; không phải là tên máy chủ</translation>
    </message>
    <message>
        <source>--%1: &apos;%2&apos; is not a URL like %3</source>
        <translation>--%1: &apos;%2&apos; không phải là URL dạng %3</translation>
    </message>
    <message>
        <source>--timeout-ms: expected 100 to 600000, got &apos;%1&apos;</source>
        <translation>--timeout-ms: cần từ 100 đến 600000, nhận được &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--lang: expected %1, got &apos;%2&apos;</source>
        <translation>--lang: cần %1, nhận được &apos;%2&apos;</translation>
    </message>
    <message>
        <source>Order API URL must look like %1</source>
        <translation>URL của Order API phải có dạng %1</translation>
    </message>
    <message>
        <source>Search API URL must look like %1</source>
        <translation>URL của Search API phải có dạng %1</translation>
    </message>
    <message>
        <source>Notifier URL must look like %1</source>
        <translation>URL của notifier-service phải có dạng %1</translation>
    </message>
    <message>
        <source>Payment health URL must look like %1</source>
        <translation>URL tình trạng của payment-service phải có dạng %1</translation>
    </message>
    <message>
        <source>Inventory health URL must look like %1</source>
        <translation>URL tình trạng của inventory-service phải có dạng %1</translation>
    </message>
    <message>
        <source>API token must be a single line</source>
        <translation>Token API phải nằm trên một dòng</translation>
    </message>
    <message>
        <source>notifier-service HTTP base for the Kafka tab (default: from the notifier URL, %1).</source>
        <translation>URL HTTP gốc của notifier-service cho thẻ Kafka (mặc định: suy ra từ URL của notifier-service, %1).</translation>
    </message>
    <message>
        <source>Notifier HTTP URL must be empty or look like %1</source>
        <translation>URL HTTP của notifier-service phải để trống hoặc có dạng %1</translation>
    </message>
</context>
<context>
    <name>FeedClient</name>
    <message>
        <source>no WebSocket handshake within %1 s</source>
        <translation>không hoàn tất bắt tay WebSocket trong %1 giây</translation>
    </message>
    <message>
        <source>the notifier stopped answering pings</source>
        <translation>notifier-service không còn trả lời ping</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>đã dừng</translation>
    </message>
    <message>
        <source>connecting… (attempt %1)</source>
        <translation>đang kết nối… (lần thử %1)</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>đang kết nối…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>đã kết nối</translation>
    </message>
    <message>
        <source>disconnected, retrying in %1 s (attempt %2)</source>
        <translation>mất kết nối, thử lại sau %1 giây (lần thử %2)</translation>
    </message>
    <message>
        <source>no notifier URL configured</source>
        <translation>chưa cấu hình URL của notifier-service</translation>
    </message>
    <message>
        <source>connection closed</source>
        <translation>kết nối đã đóng</translation>
    </message>
</context>
<context>
    <name>FeedModel</name>
    <message>
        <source>%1 (field %2)</source>
        <translation>%1 (trường %2)</translation>
    </message>
    <message>
        <source>backlog</source>
        <translation>phát lại</translation>
    </message>
    <message>
        <source>live</source>
        <translation>trực tiếp</translation>
    </message>
    <message>
        <source>order %1 · created %2 · decided %3</source>
        <translation>đơn hàng %1 · tạo lúc %2 · quyết định lúc %3</translation>
    </message>
    <message>
        <source>replayed from the notifier&apos;s backlog on connect</source>
        <translation>được notifier-service phát lại từ các thông báo gần đây khi kết nối</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Order ID</source>
        <translation>Mã đơn hàng</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Mặt hàng</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Số lượng</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Nguồn</translation>
    </message>
</context>
<context>
    <name>HealthCard</name>
    <message>
        <source>HTTP 200 in %1 ms</source>
        <translation>HTTP 200 sau %1 ms</translation>
    </message>
    <message>
        <source>checked %1</source>
        <translation>kiểm tra lúc %1</translation>
    </message>
    <message>
        <source>no answer, so no dependency checks</source>
        <translation>không có phản hồi nên không có kết quả kiểm tra phụ thuộc</translation>
    </message>
    <message>
        <source>FAILING</source>
        <translation>HỎNG</translation>
    </message>
    <message>
        <source>NO REPORT</source>
        <translation>CHƯA CÓ BÁO CÁO</translation>
    </message>
    <message>
        <source>no running service reports on it</source>
        <translation>chưa có dịch vụ đang chạy nào báo cáo về nó</translation>
    </message>
    <message>
        <source>ok according to %1</source>
        <translation>ổn theo %1</translation>
    </message>
</context>
<context>
    <name>HealthPage</name>
    <message>
        <source>Refresh automatically</source>
        <translation>Tự động làm mới</translation>
    </message>
    <message>
        <source>Refresh now</source>
        <translation>Làm mới ngay</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dịch vụ</translation>
    </message>
    <message>
        <source>Backing services (as the services report them)</source>
        <translation>Hạ tầng phía sau (theo báo cáo của các dịch vụ)</translation>
    </message>
    <message>
        <source>event log: %1</source>
        <translation>nhật ký event: %1</translation>
    </message>
    <message>
        <source>correlation, dedupe, stock</source>
        <translation>correlate event, chống trùng lặp, tồn kho</translation>
    </message>
    <message>
        <source>%1 index, search</source>
        <translation>index %1, tìm kiếm</translation>
    </message>
    <message>
        <source>updated %1 · every %2 s</source>
        <translation>cập nhật lúc %1 · mỗi %2 giây</translation>
    </message>
    <message>
        <source>Checking services…</source>
        <translation>Đang kiểm tra các dịch vụ…</translation>
    </message>
    <message>
        <source>%1 of %2 services up</source>
        <translation>%1/%2 dịch vụ đang chạy</translation>
    </message>
</context>
<context>
    <name>HealthReport</name>
    <message>
        <source>failing</source>
        <translation>hỏng</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>không rõ</translation>
    </message>
    <message>
        <source>unavailable: %1</source>
        <translation>không khả dụng: %1</translation>
    </message>
    <message>
        <source>UP</source>
        <translation>ĐANG CHẠY</translation>
    </message>
    <message>
        <source>UNHEALTHY</source>
        <translation>TRỤC TRẶC</translation>
    </message>
    <message>
        <source>DOWN</source>
        <translation>NGỪNG</translation>
    </message>
    <message>
        <source>CHECKING</source>
        <translation>ĐANG KIỂM TRA</translation>
    </message>
</context>
<context>
    <name>Journey</name>
    <message>
        <source>Received</source>
        <translation>Đã nhận</translation>
    </message>
    <message>
        <source>Kafka acknowledged</source>
        <translation>Kafka đã ghi nhận</translation>
    </message>
    <message>
        <source>Payment decided</source>
        <translation>Đã quyết định thanh toán</translation>
    </message>
    <message>
        <source>Stock decided</source>
        <translation>Đã quyết định kho hàng</translation>
    </message>
    <message>
        <source>Correlated</source>
        <translation>Đã đối chiếu</translation>
    </message>
    <message>
        <source>Notified</source>
        <translation>Đã thông báo</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
</context>
<context>
    <name>JourneyView</name>
    <message>
        <source>The order API returned no journey for this order.</source>
        <translation>Order API không trả về hành trình nào cho đơn hàng này.</translation>
    </message>
</context>
<context>
    <name>KafkaPage</name>
    <message>
        <source>Not asked yet: the tab asks notifier-service every 5 s while it is shown.</source>
        <translation>Chưa hỏi: thẻ này hỏi notifier-service mỗi 5 giây khi đang hiển thị.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Các topic</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Phân vùng</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Đầu</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Cuối</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>Start and end offset (watermarks) of every partition: records = end − start</source>
        <translation>Offset đầu và cuối (watermark) của mỗi phân vùng: số bản ghi = cuối − đầu</translation>
    </message>
    <message>
        <source>Consumer groups</source>
        <translation>Nhóm consumer</translation>
    </message>
    <message>
        <source>Group / topic</source>
        <translation>Nhóm / topic</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>Đã commit</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Độ trễ</translation>
    </message>
    <message>
        <source>Lag = end offset − committed offset: records the group has not handled yet</source>
        <translation>Độ trễ = offset cuối − offset đã commit: số bản ghi nhóm chưa xử lý</translation>
    </message>
    <message>
        <source>Tail of a topic (read-only)</source>
        <translation>Các bản ghi cuối của một topic (chỉ đọc)</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>Lấy về</translation>
    </message>
    <message>
        <source>Choose a topic and how many records, then Fetch.</source>
        <translation>Chọn topic và số bản ghi, rồi nhấn Lấy về.</translation>
    </message>
    <message>
        <source>Offset</source>
        <translation>Offset</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Khóa</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Giá trị</translation>
    </message>
    <message>
        <source>Select a record to see it whole.</source>
        <translation>Chọn một bản ghi để xem đầy đủ.</translation>
    </message>
    <message>
        <source>Topics: %1</source>
        <translation>Topic: %1</translation>
    </message>
    <message>
        <source>Kafka did not answer the last look (the numbers are from the one before): %1</source>
        <translation>Kafka không trả lời lần hỏi gần nhất (số liệu là của lần trước đó): %1</translation>
    </message>
    <message>
        <source>Last answer %1 · Kafka asked at %2 · every %3 s while shown</source>
        <translation>Trả lời gần nhất lúc %1 · hỏi Kafka lúc %2 · mỗi %3 giây khi đang hiển thị</translation>
    </message>
    <message>
        <source>Consumer lag: %1</source>
        <translation>Độ trễ của consumer: %1</translation>
    </message>
    <message>
        <source>Reading the last %1 records of %2…</source>
        <translation>Đang đọc %1 bản ghi cuối của %2…</translation>
    </message>
    <message>
        <source>Tail failed: %1</source>
        <translation>Không đọc được các bản ghi cuối: %1</translation>
    </message>
    <message>
        <source>%1 has no records.</source>
        <translation>%1 không có bản ghi nào.</translation>
    </message>
    <message>
        <source>Records: %1 of %2, newest first, in %3 ms</source>
        <translation>Bản ghi: %1 của %2, mới nhất trước, trong %3 ms</translation>
    </message>
    <message>
        <source> records</source>
        <translation> bản ghi</translation>
    </message>
</context>
<context>
    <name>LiveFeedPage</name>
    <message>
        <source>Reconnect</source>
        <translation>Kết nối lại</translation>
    </message>
    <message>
        <source>Drop the WebSocket and connect again now; the notifier replays its backlog, which never adds duplicates here.</source>
        <translation>Ngắt WebSocket và kết nối lại ngay; notifier-service phát lại các thông báo gần đây, nhưng ở đây không bao giờ có dòng trùng lặp.</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>Mọi kết quả</translation>
    </message>
    <message>
        <source>Confirmed only</source>
        <translation>Chỉ đã xác nhận</translation>
    </message>
    <message>
        <source>Failed only</source>
        <translation>Chỉ thất bại</translation>
    </message>
    <message>
        <source>Filter by order id, item or reason</source>
        <translation>Lọc theo mã đơn hàng, mặt hàng hoặc lý do</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Xóa danh sách</translation>
    </message>
    <message>
        <source>Empty the list (orders already seen will not come back)</source>
        <translation>Làm trống danh sách (các đơn hàng đã thấy sẽ không hiện lại)</translation>
    </message>
    <message>
        <source>Double-click an order for its full status</source>
        <translation>Nhấp đúp vào một đơn hàng để xem đầy đủ trạng thái</translation>
    </message>
    <message>
        <source>Notifier</source>
        <translation>notifier-service</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>đã kết nối</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>đang kết nối</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>mất kết nối</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>đã dừng</translation>
    </message>
    <message>
        <source>reconnected %1×</source>
        <translation>đã kết nối lại %1 lần</translation>
    </message>
    <message>
        <source>No outcome matches the filter.</source>
        <translation>Không có kết quả nào khớp với bộ lọc.</translation>
    </message>
    <message>
        <source>Waiting for order outcomes…
Each order appears here the moment the notifier decides it (confirmed or failed).</source>
        <translation>Đang chờ kết quả đơn hàng…
Mỗi đơn hàng hiện ở đây ngay khi notifier-service quyết định (đã xác nhận hoặc thất bại).</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; shown · &lt;span style=&apos;color:%2&apos;&gt;&lt;b&gt;%3&lt;/b&gt; confirmed&lt;/span&gt; · &lt;span style=&apos;color:%4&apos;&gt;&lt;b&gt;%5&lt;/b&gt; failed&lt;/span&gt;</source>
        <translation>đang hiện &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&apos;color:%2&apos;&gt;&lt;b&gt;%3&lt;/b&gt; đã xác nhận&lt;/span&gt; · &lt;span style=&apos;color:%4&apos;&gt;&lt;b&gt;%5&lt;/b&gt; thất bại&lt;/span&gt;</translation>
    </message>
    <message>
        <source>repeats ignored: %1</source>
        <translation>bỏ qua trùng lặp: %1</translation>
    </message>
    <message>
        <source>unreadable: %1 (%2)</source>
        <translation>không đọc được: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Ops console · Kafka order lab</source>
        <translation>Ops console · Kafka order lab</translation>
    </message>
    <message>
        <source>New order</source>
        <translation>Đơn hàng mới</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Tìm kiếm</translation>
    </message>
    <message>
        <source>Live feed</source>
        <translation>Thông báo trực tiếp</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Tình trạng</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Thông lượng</translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation>&amp;Console</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Cài đặt…</translation>
    </message>
    <message>
        <source>&amp;Reconnect live feed</source>
        <translation>&amp;Kết nối lại thông báo trực tiếp</translation>
    </message>
    <message>
        <source>Refresh &amp;health</source>
        <translation>Làm mới &amp;tình trạng</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Thoát</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Xem</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Trợ &amp;giúp</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>Giới th&amp;iệu</translation>
    </message>
    <message>
        <source>About ops-console</source>
        <translation>Giới thiệu ops-console</translation>
    </message>
    <message>
        <source>&lt;h3&gt;ops-console %1&lt;/h3&gt;&lt;p&gt;Desktop console of the Kafka order lab: create orders, search the order log, watch outcomes live and keep an eye on the services.&lt;/p&gt;&lt;p&gt;Order API &lt;code&gt;%2&lt;/code&gt;&lt;br&gt;Search API &lt;code&gt;%3&lt;/code&gt;&lt;br&gt;Notifier &lt;code&gt;%4&lt;/code&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ops-console %1&lt;/h3&gt;&lt;p&gt;Console desktop của Kafka order lab: tạo đơn hàng, tìm kiếm nhật ký đơn hàng, xem kết quả theo thời gian thực và theo dõi các dịch vụ.&lt;/p&gt;&lt;p&gt;Order API &lt;code&gt;%2&lt;/code&gt;&lt;br&gt;Search API &lt;code&gt;%3&lt;/code&gt;&lt;br&gt;notifier-service &lt;code&gt;%4&lt;/code&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>order %1 · search %2</source>
        <translation>order %1 · search %2</translation>
    </message>
    <message>
        <source>order %1 · search %2 · token set</source>
        <translation>order %1 · search %2 · đã đặt token</translation>
    </message>
    <message>
        <source>The new language applies at the next start of the console.</source>
        <translation>Ngôn ngữ mới có hiệu lực từ lần khởi động console tiếp theo.</translation>
    </message>
    <message>
        <source>live feed %1</source>
        <translation>thông báo trực tiếp: %1</translation>
    </message>
    <message>
        <source>%1 of %2 services up</source>
        <translation>%1/%2 dịch vụ đang chạy</translation>
    </message>
    <message>
        <source>Health (%1 down)</source>
        <translation>Tình trạng (%1 ngừng)</translation>
    </message>
    <message>
        <source>Kafka</source>
        <translation>Kafka</translation>
    </message>
</context>
<context>
    <name>OrderDialog</name>
    <message>
        <source>Order %1</source>
        <translation>Đơn hàng %1</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Trường</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Giá trị</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Raw JSON</source>
        <translation>JSON gốc</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>đang tải…</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>không tìm thấy</translation>
    </message>
    <message>
        <source>error</source>
        <translation>lỗi</translation>
    </message>
    <message>
        <source>The order API does not know order %1 (404).</source>
        <translation>Order API không biết đơn hàng %1 (404).</translation>
    </message>
    <message>
        <source>Could not load the order: %1</source>
        <translation>Không tải được đơn hàng: %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>không rõ</translation>
    </message>
    <message>
        <source>loaded in %1 ms</source>
        <translation>tải trong %1 ms</translation>
    </message>
    <message>
        <source>no trace id</source>
        <translation>không có trace id</translation>
    </message>
    <message>
        <source>Trace id</source>
        <translation>Trace id</translation>
    </message>
    <message>
        <source>Journey</source>
        <translation>Hành trình</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <source>No journey: the order API does not know order %1 (404).</source>
        <translation>Không có hành trình: Order API không biết đơn hàng %1 (404).</translation>
    </message>
    <message>
        <source>No journey: the order API is unavailable (503). %1</source>
        <translation>Không có hành trình: Order API không khả dụng (503). %1</translation>
    </message>
    <message>
        <source>No journey: %1</source>
        <translation>Không có hành trình: %1</translation>
    </message>
</context>
<context>
    <name>OrderHistogram</name>
    <message>
        <source>Search to see the orders over time.</source>
        <translation>Tìm kiếm để xem đơn hàng theo thời gian.</translation>
    </message>
</context>
<context>
    <name>OrderInput</name>
    <message>
        <source>order_id must be an integer from 1 to %1</source>
        <translation>order_id phải là số nguyên từ 1 đến %1</translation>
    </message>
    <message>
        <source>order_id is required</source>
        <translation>cần nhập order_id</translation>
    </message>
    <message>
        <source>item must not be empty</source>
        <translation>item không được để trống</translation>
    </message>
    <message>
        <source>item must be at most %1 characters (now %2)</source>
        <translation>item tối đa %1 ký tự (hiện có %2)</translation>
    </message>
    <message>
        <source>quantity must be an integer from 1 to %1</source>
        <translation>quantity phải là số nguyên từ 1 đến %1</translation>
    </message>
</context>
<context>
    <name>OrderPage</name>
    <message>
        <source>New order</source>
        <translation>Đơn hàng mới</translation>
    </message>
    <message>
        <source>An integer from 1 to %1 (2^53-1). Reusing an id with a different item or quantity is refused (409).</source>
        <translation>Số nguyên từ 1 đến %1 (2^53-1). Dùng lại một mã với mặt hàng hoặc số lượng khác sẽ bị từ chối (409).</translation>
    </message>
    <message>
        <source>Random id</source>
        <translation>Mã ngẫu nhiên</translation>
    </message>
    <message>
        <source>Fill in a random unused-looking order id</source>
        <translation>Điền một mã đơn hàng ngẫu nhiên, nhiều khả năng chưa dùng</translation>
    </message>
    <message>
        <source>e.g. mouse</source>
        <translation>ví dụ: mouse</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>từ %1 đến %2</translation>
    </message>
    <message>
        <source>Create order</source>
        <translation>Tạo đơn hàng</translation>
    </message>
    <message>
        <source>Order ID</source>
        <translation>Mã đơn hàng</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Mặt hàng</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Số lượng</translation>
    </message>
    <message>
        <source>API answer</source>
        <translation>Phản hồi của API</translation>
    </message>
    <message>
        <source>Sent this session</source>
        <translation>Đã gửi trong phiên này</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Double-click an order for its full status</source>
        <translation>Nhấp đúp vào một đơn hàng để xem đầy đủ trạng thái</translation>
    </message>
    <message>
        <source>Orders you send appear here, with the API&apos;s answer and then their outcome from the live feed.</source>
        <translation>Các đơn hàng bạn gửi hiện ở đây, kèm phản hồi của API, rồi đến kết quả từ thông báo trực tiếp.</translation>
    </message>
    <message>
        <source>Ready to send order %1.</source>
        <translation>Sẵn sàng gửi đơn hàng %1.</translation>
    </message>
    <message>
        <source>Enter an order id (or pick a random one), an item and a quantity.</source>
        <translation>Nhập mã đơn hàng (hoặc chọn mã ngẫu nhiên), mặt hàng và số lượng.</translation>
    </message>
    <message>
        <source>✖ Not sent</source>
        <translation>✖ Chưa gửi</translation>
    </message>
    <message>
        <source>%1 (field: %2)</source>
        <translation>%1 (trường: %2)</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Đang gửi…</translation>
    </message>
    <message>
        <source>Sending order %1…</source>
        <translation>Đang gửi đơn hàng %1…</translation>
    </message>
    <message>
        <source>✔ Order %1 created</source>
        <translation>✔ Đã tạo đơn hàng %1</translation>
    </message>
    <message>
        <source>Waiting for payment and inventory…</source>
        <translation>Đang chờ thanh toán (payment) và kho hàng (inventory)…</translation>
    </message>
    <message>
        <source>✖ Order %1 was not accepted</source>
        <translation>✖ Đơn hàng %1 không được chấp nhận</translation>
    </message>
    <message>
        <source>✖ No answer from order-service</source>
        <translation>✖ order-service không phản hồi</translation>
    </message>
    <message>
        <source>%1 (POST %2/create_order). Nothing was created; it is safe to retry.</source>
        <translation>%1 (POST %2/create_order). Chưa có gì được tạo; có thể thử lại an toàn.</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>đang chờ…</translation>
    </message>
    <message>
        <source>%1 · decided %2</source>
        <translation>%1 · quyết định lúc %2</translation>
    </message>
    <message>
        <source>Outcome: %1 (decided %2)</source>
        <translation>Kết quả: %1 (quyết định lúc %2)</translation>
    </message>
    <message>
        <source>✖ Order %1 failed</source>
        <translation>✖ Đơn hàng %1 thất bại</translation>
    </message>
    <message>
        <source>✔ Order %1 confirmed</source>
        <translation>✔ Đơn hàng %1 đã được xác nhận</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Sẵn sàng</translation>
    </message>
    <message>
        <source>Orders go to %1/create_order.
The API answers once Kafka has stored the order; its outcome (confirmed or failed) then follows in the live feed and in the list below.</source>
        <translation>Đơn hàng được gửi tới %1/create_order.
API trả lời khi Kafka đã lưu đơn hàng; kết quả (đã xác nhận hoặc thất bại) sẽ hiện sau đó trong thông báo trực tiếp và trong danh sách bên dưới.</translation>
    </message>
</context>
<context>
    <name>OrderRow</name>
    <message>
        <source>the answer is not JSON: %1</source>
        <translation>phản hồi không phải JSON: %1</translation>
    </message>
    <message>
        <source>the answer is not a list of orders</source>
        <translation>phản hồi không phải danh sách đơn hàng</translation>
    </message>
</context>
<context>
    <name>OrderStats</name>
    <message>
        <source>the answer is not JSON: %1</source>
        <translation>phản hồi không phải JSON: %1</translation>
    </message>
    <message>
        <source>the answer has no buckets</source>
        <translation>phản hồi không có khoảng thời gian nào</translation>
    </message>
</context>
<context>
    <name>SearchModel</name>
    <message>
        <source>Double-click for the order&apos;s full status</source>
        <translation>Nhấp đúp để xem đầy đủ trạng thái của đơn hàng</translation>
    </message>
    <message>
        <source>Order ID</source>
        <translation>Mã đơn hàng</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>Mặt hàng</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Số lượng</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <source>Item to search for (empty lists every order)</source>
        <translation>Mặt hàng cần tìm (để trống để liệt kê mọi đơn hàng)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Tìm kiếm</translation>
    </message>
    <message>
        <source>%1 per page</source>
        <translation>%1 mỗi trang</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ Trang trước</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Trang sau ▶</translation>
    </message>
    <message>
        <source>Search the order log: type an item and press Enter
(leave it empty to list every order, newest first).</source>
        <translation>Tìm trong nhật ký đơn hàng: nhập mặt hàng rồi nhấn Enter
(để trống để liệt kê mọi đơn hàng, mới nhất trước).</translation>
    </message>
    <message>
        <source>Type an item and press Enter. Double-click an order for its full status.</source>
        <translation>Nhập mặt hàng rồi nhấn Enter. Nhấp đúp vào một đơn hàng để xem đầy đủ trạng thái.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Đang tìm…</translation>
    </message>
    <message>
        <source>The search API did not answer as expected.</source>
        <translation>Search API không trả lời như mong đợi.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Tìm kiếm thất bại: %1</translation>
    </message>
    <message>
        <source>No orders match &quot;%1&quot;.</source>
        <translation>Không có đơn hàng nào khớp với &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>No more orders: this is past the last page.</source>
        <translation>Hết đơn hàng: trang này nằm sau trang cuối.</translation>
    </message>
    <message>
        <source>No more orders.</source>
        <translation>Hết đơn hàng.</translation>
    </message>
    <message>
        <source>Orders: %1, any item, in %2 ms</source>
        <translation>Đơn hàng: %1, mọi mặt hàng, trong %2 ms</translation>
    </message>
    <message>
        <source>Orders: %1 for &quot;%2&quot; in %3 ms</source>
        <translation>Đơn hàng: %1 cho &quot;%2&quot; trong %3 ms</translation>
    </message>
    <message>
        <source>(unreadable, skipped: %1)</source>
        <translation>(không đọc được, đã bỏ qua: %1)</translation>
    </message>
    <message>
        <source>orders %1–%2</source>
        <translation>đơn hàng %1–%2</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>15 phút qua</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>1 giờ qua</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>6 giờ qua</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>24 giờ qua</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 ngày qua</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Khoảng tùy chọn</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Mọi trạng thái</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>The range ends before it starts: choose a &quot;from&quot; before the &quot;to&quot;.</source>
        <translation>Khoảng thời gian kết thúc trước khi bắt đầu: hãy chọn &quot;từ&quot; trước &quot;đến&quot;.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Đang đếm…</translation>
    </message>
    <message>
        <source>No histogram: %1</source>
        <translation>Không có biểu đồ: %1</translation>
    </message>
    <message>
        <source>Orders in the range: %1 · confirmed %2 · failed %3 · created %4 · one bar per %5</source>
        <translation>Đơn hàng trong khoảng: %1 · đã xác nhận %2 · thất bại %3 · đã tạo %4 · mỗi cột %5</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Console settings</source>
        <translation>Cài đặt console</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>không bắt buộc</translation>
    </message>
    <message>
        <source>Sent as &apos;Authorization: Bearer &lt;token&gt;&apos; when creating orders</source>
        <translation>Gửi dạng &apos;Authorization: Bearer &lt;token&gt;&apos; khi tạo đơn hàng</translation>
    </message>
    <message>
        <source>show</source>
        <translation>hiện</translation>
    </message>
    <message>
        <source>As the system (%1)</source>
        <translation>Theo hệ thống (%1)</translation>
    </message>
    <message>
        <source>Endpoints</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <source>Order API</source>
        <translation>Order API</translation>
    </message>
    <message>
        <source>Search API</source>
        <translation>Search API</translation>
    </message>
    <message>
        <source>Notifier WebSocket</source>
        <translation>WebSocket của notifier-service</translation>
    </message>
    <message>
        <source>Payment health</source>
        <translation>Tình trạng payment-service</translation>
    </message>
    <message>
        <source>Inventory health</source>
        <translation>Tình trạng inventory-service</translation>
    </message>
    <message>
        <source>Access and timing</source>
        <translation>Truy cập và thời gian</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>Token API</translation>
    </message>
    <message>
        <source>Request timeout</source>
        <translation>Thời gian chờ yêu cầu</translation>
    </message>
    <message>
        <source>Health refresh</source>
        <translation>Chu kỳ kiểm tra tình trạng</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <source>applies at the next start</source>
        <translation>có hiệu lực từ lần khởi động sau</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Saved for the next start. Command-line flags (--order-url, …, --lang) override saved values for one session.</source>
        <translation>Được lưu cho lần khởi động sau. Tham số dòng lệnh (--order-url, …, --lang) ghi đè giá trị đã lưu trong một phiên.</translation>
    </message>
    <message>
        <source>Local defaults</source>
        <translation>Mặc định cục bộ</translation>
    </message>
    <message>
        <source>derived from the WebSocket URL (%1)</source>
        <translation>suy ra từ URL WebSocket (%1)</translation>
    </message>
    <message>
        <source>notifier-service&apos;s HTTP address, for the Kafka tab; leave empty to use the host and port of the WebSocket URL</source>
        <translation>Địa chỉ HTTP của notifier-service, cho thẻ Kafka; để trống để dùng host và cổng của URL WebSocket</translation>
    </message>
    <message>
        <source>Notifier HTTP (Kafka)</source>
        <translation>HTTP của notifier-service (Kafka)</translation>
    </message>
</context>
<context>
    <name>StandardButton</name>
    <message>
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>ThroughputChart</name>
    <message>
        <source>confirmed / s</source>
        <translation>đã xác nhận / giây</translation>
    </message>
    <message>
        <source>failed / s</source>
        <translation>thất bại / giây</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Chưa có dữ liệu</translation>
    </message>
</context>
<context>
    <name>ThroughputPage</name>
    <message>
        <source>Last minute</source>
        <translation>1 phút qua</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>5 phút qua</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>15 phút qua</translation>
    </message>
    <message>
        <source>failure rate</source>
        <translation>tỉ lệ thất bại</translation>
    </message>
    <message>
        <source>orders/s, last 10 s</source>
        <translation>đơn hàng/giây, 10 giây qua</translation>
    </message>
    <message>
        <source>peak orders/s</source>
        <translation>đỉnh đơn hàng/giây</translation>
    </message>
    <message>
        <source>Order outcomes per second, by the time the notifier decided them</source>
        <translation>Kết quả đơn hàng mỗi giây, theo thời điểm notifier-service quyết định</translation>
    </message>
</context>
<context>
    <name>display</name>
    <message>
        <source>confirmed</source>
        <translation>đã xác nhận</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>thất bại</translation>
    </message>
    <message>
        <source>created</source>
        <translation>đã tạo</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>đã thanh toán</translation>
    </message>
    <message>
        <source>reserved</source>
        <translation>đã giữ hàng</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>đang chờ</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Save a PNG of every tab into &lt;dir&gt; after --screenshot-delay-ms, then quit (manual checks).</source>
        <translation>Lưu ảnh PNG của mọi thẻ vào &lt;dir&gt; sau --screenshot-delay-ms rồi thoát (để kiểm tra thủ công).</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>dir</translation>
    </message>
    <message>
        <source>Wait before --screenshots (default 5000).</source>
        <translation>Thời gian chờ trước --screenshots (mặc định 5000).</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Desktop console of the Kafka order lab: create orders, search the order log, watch the live notification feed, service health and throughput.
Endpoints default to the local stack (./lab up) or the saved settings; flags override both for this session.</source>
        <translation>Console desktop của Kafka order lab: tạo đơn hàng, tìm kiếm nhật ký đơn hàng, xem thông báo trực tiếp, tình trạng dịch vụ và thông lượng.
Endpoint mặc định là hệ thống cục bộ (./lab up) hoặc cài đặt đã lưu; tham số dòng lệnh ghi đè cả hai trong phiên này.</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>không ghi được %1</translation>
    </message>
</context>
</TS>
