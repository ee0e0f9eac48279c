// fuzz_ordercreated: lab::OrderCreated::fromJson, what payment-, inventory- and
// notifier-service read from the order.created topic. Properties: fuzzcheck.h.
#include "fuzzcheck.h"

using namespace lab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = labfuzz::bytes(data, size);
    const Parsed<OrderCreated> parsed = labfuzz::parseTwice<OrderCreated>(input);
    if (!parsed.ok()) {
        labfuzz::checkRejection(parsed, input, {QStringLiteral("event"), QStringLiteral("order_id"),
                                                QStringLiteral("item"), QStringLiteral("quantity"),
                                                QStringLiteral("created_at")});
        return 0;
    }
    const OrderCreated &e = *parsed.value;
    labfuzz::checkCommon(e.orderId, e.item, e.quantity, input);
    labfuzz::checkTimestamp(e.createdAt, input);
    labfuzz::checkRoundTrip(e, input, [](const OrderCreated &a, const OrderCreated &b) {
        return a.orderId == b.orderId && a.item == b.item && a.quantity == b.quantity
            && a.createdAt == b.createdAt;
    });
    return 0;
}
