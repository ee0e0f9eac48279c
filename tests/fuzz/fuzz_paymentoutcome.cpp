// fuzz_paymentoutcome: lab::PaymentOutcome::fromJson, what notifier-service reads from
// payment.success / payment.failed. Properties: fuzzcheck.h.
#include "fuzzcheck.h"

using namespace lab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = labfuzz::bytes(data, size);
    const Parsed<PaymentOutcome> parsed = labfuzz::parseTwice<PaymentOutcome>(input);
    if (!parsed.ok()) {
        labfuzz::checkRejection(parsed, input, {QStringLiteral("event"), QStringLiteral("order_id"),
                                                QStringLiteral("item"), QStringLiteral("quantity"),
                                                QStringLiteral("amount_cents"), QStringLiteral("reason"),
                                                QStringLiteral("at")});
        return 0;
    }
    const PaymentOutcome &e = *parsed.value;
    labfuzz::checkCommon(e.orderId, e.item, e.quantity, input);
    LAB_FUZZ_CHECK(e.amountCents >= 0 && e.amountCents <= limits::MaxOrderId, input,
                   QByteArray::number(e.amountCents));
    labfuzz::checkReason(e.reason, !e.success, input);
    labfuzz::checkTimestamp(e.at, input);
    labfuzz::checkRoundTrip(e, input, [](const PaymentOutcome &a, const PaymentOutcome &b) {
        return a.orderId == b.orderId && a.item == b.item && a.quantity == b.quantity
            && a.success == b.success && a.amountCents == b.amountCents && a.reason == b.reason
            && a.at == b.at && a.topic() == b.topic();
    });
    return 0;
}
