// fuzz_notification: lab::Notification::fromJson, what every notifier instance reads
// from order.notification (and the console from the WebSocket feed). Properties: fuzzcheck.h.
#include "fuzzcheck.h"

using namespace lab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = labfuzz::bytes(data, size);
    const Parsed<Notification> parsed = labfuzz::parseTwice<Notification>(input);
    if (!parsed.ok()) {
        labfuzz::checkRejection(parsed, input, {QStringLiteral("event"), QStringLiteral("order_id"),
                                                QStringLiteral("item"), QStringLiteral("quantity"),
                                                QStringLiteral("status"), QStringLiteral("reason"),
                                                QStringLiteral("created_at"), QStringLiteral("notified_at"),
                                                QStringLiteral("backlog"),
                                                QStringLiteral("trace_id"), QStringLiteral("timeline")});
        return 0;
    }
    const Notification &n = *parsed.value;
    labfuzz::checkCommon(n.orderId, n.item, n.quantity, input);
    LAB_FUZZ_CHECK(n.status == Notification::Status::Confirmed || n.status == Notification::Status::Failed,
                   input, QByteArray::number(int(n.status)));
    labfuzz::checkReason(n.reason, n.status == Notification::Status::Failed, input);
    labfuzz::checkTimestamp(n.createdAt, input);
    labfuzz::checkTimestamp(n.notifiedAt, input);
    // the optional journey: a trace id only as 32 hex digits, stamps in 0..2^53-1
    LAB_FUZZ_CHECK(n.timeline.traceId().isEmpty() || journey::TraceContext::isTraceId(n.timeline.traceId()),
                   input, n.timeline.traceId());
    for (const journey::Hop hop : journey::hops())
        LAB_FUZZ_CHECK(n.timeline.at(hop) >= -1 && n.timeline.at(hop) <= limits::MaxOrderId, input,
                       QByteArray::number(n.timeline.at(hop)));
    labfuzz::checkRoundTrip(n, input, [](const Notification &a, const Notification &b) {
        return a.orderId == b.orderId && a.item == b.item && a.quantity == b.quantity
            && a.status == b.status && a.reason == b.reason && a.createdAt == b.createdAt
            && a.notifiedAt == b.notifiedAt && a.backlog == b.backlog && a.timeline == b.timeline;
    });
    return 0;
}
