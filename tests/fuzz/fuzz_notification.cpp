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
                                                QStringLiteral("backlog")});
        return 0;
    }
    const Notification &n = *parsed.value;
    labfuzz::checkCommon(n.orderId, n.item, n.quantity, input);
    LAB_FUZZ_CHECK(n.status == Notification::Status::Confirmed || n.status == Notification::Status::Failed,
                   input, QByteArray::number(int(n.status)));
    labfuzz::checkReason(n.reason, n.status == Notification::Status::Failed, input);
    labfuzz::checkTimestamp(n.createdAt, input);
    labfuzz::checkTimestamp(n.notifiedAt, input);
    labfuzz::checkRoundTrip(n, input, [](const Notification &a, const Notification &b) {
        return a.orderId == b.orderId && a.item == b.item && a.quantity == b.quantity
            && a.status == b.status && a.reason == b.reason && a.createdAt == b.createdAt
            && a.notifiedAt == b.notifiedAt && a.backlog == b.backlog;
    });
    return 0;
}
