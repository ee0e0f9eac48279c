// fuzz_orderrequest: lab::OrderRequest::fromJson, the parser of every POST /create_order
// body (hostile by definition: anyone on the network writes it). Properties: fuzzcheck.h.
#include "fuzzcheck.h"

#include <QJsonDocument>

using namespace lab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = labfuzz::bytes(data, size);
    const Parsed<OrderRequest> parsed = labfuzz::parseTwice<OrderRequest>(input);
    if (!parsed.ok()) {
        labfuzz::checkRejection(parsed, input, {QStringLiteral("order_id"), QStringLiteral("item"),
                                                QStringLiteral("quantity")});
        return 0;
    }
    const OrderRequest &r = *parsed.value;
    labfuzz::checkCommon(r.orderId, r.item, r.quantity, input);

    // OrderRequest has no toJson(): order-service forwards toObject(); round-trip that.
    const QByteArray json = QJsonDocument(r.toObject()).toJson(QJsonDocument::Compact);
    const Parsed<OrderRequest> again = OrderRequest::fromJson(json);
    LAB_FUZZ_CHECK(again.ok(), input, "re-parsing " + json + " failed: "
                   + labfuzz::describe(again.error, again.field));
    LAB_FUZZ_CHECK(*again.value == r, input, json);
    // fromObject is what fromJson does after parsing: both must agree.
    const Parsed<OrderRequest> viaObject = OrderRequest::fromObject(r.toObject());
    LAB_FUZZ_CHECK(viaObject.ok() && *viaObject.value == r, input, json);
    return 0;
}
