// fuzz_inventoryoutcome: lab::InventoryOutcome::fromJson, what notifier-service reads
// from inventory.reserved / inventory.rejected. Properties: fuzzcheck.h.
#include "fuzzcheck.h"

using namespace lab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = labfuzz::bytes(data, size);
    const Parsed<InventoryOutcome> parsed = labfuzz::parseTwice<InventoryOutcome>(input);
    if (!parsed.ok()) {
        labfuzz::checkRejection(parsed, input, {QStringLiteral("event"), QStringLiteral("order_id"),
                                                QStringLiteral("item"), QStringLiteral("quantity"),
                                                QStringLiteral("remaining"), QStringLiteral("reason"),
                                                QStringLiteral("at")});
        return 0;
    }
    const InventoryOutcome &e = *parsed.value;
    labfuzz::checkCommon(e.orderId, e.item, e.quantity, input);
    LAB_FUZZ_CHECK(e.remaining >= -1 && e.remaining <= limits::MaxOrderId, input,
                   QByteArray::number(e.remaining));
    labfuzz::checkReason(e.reason, !e.reserved, input);
    labfuzz::checkTimestamp(e.at, input);
    labfuzz::checkRoundTrip(e, input, [](const InventoryOutcome &a, const InventoryOutcome &b) {
        return a.orderId == b.orderId && a.item == b.item && a.quantity == b.quantity
            && a.reserved == b.reserved && a.remaining == b.remaining && a.reason == b.reason
            && a.at == b.at && a.topic() == b.topic();
    });
    return 0;
}
