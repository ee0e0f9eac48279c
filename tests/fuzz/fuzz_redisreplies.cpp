// fuzz_redisreplies: the decoders of the Lua scripts' replies (outcomescripts.h,
// OrderStore::parseClaimReply, OrderRecord::fromReply) fed any reply shape. Redis is
// ours, but a script edited out of step with its decoder, a key written by hand or a
// partial reply must give an error value, never an out-of-range read or a crash.
//
// The input is RESP, the Redis wire format, so seeds read like redis-cli traffic:
//   +status  -error  :integer  $len\r\nbytes  $-1 (nil)  *count then elements  *-1 (nil)
// The first byte picks the order id passed to the correlation decoder.
#include "fuzzcheck.h"

#include "lab/redis/redisreply.h"
#include "lab/store/orderstore.h"
#include "lab/store/outcomescripts.h"

#include <QJsonDocument>

using namespace lab;

namespace {

constexpr int MaxDepth = 4;
constexpr qsizetype MaxElements = 64;

/// One RESP value from `in` at `*pos`; false when the bytes are not RESP (the input is
/// then of no interest: the real client, hiredis, would have refused it).
bool readReply(const QByteArray &in, qsizetype *pos, int depth, RedisReply *out)
{
    if (*pos >= in.size() || depth > MaxDepth)
        return false;
    const char kind = in.at(*pos);
    const qsizetype eol = in.indexOf("\r\n", *pos);
    if (eol < 0)
        return false;
    const QByteArray line = in.mid(*pos + 1, eol - *pos - 1);
    *pos = eol + 2;
    bool ok = false;
    switch (kind) {
    case '+':
    case '-':
        out->type = kind == '+' ? RedisReply::Type::Status : RedisReply::Type::Error;
        out->string = line;
        return true;
    case ':':
        out->type = RedisReply::Type::Integer;
        out->integer = line.toLongLong(&ok);
        return ok;
    case '$': {
        const qint64 len = line.toLongLong(&ok);
        if (!ok || len < -1 || len > in.size() - *pos)
            return false;
        if (len == -1) {
            out->type = RedisReply::Type::Nil;
            return true;
        }
        out->type = RedisReply::Type::String;
        out->string = in.mid(*pos, len);
        *pos += len;
        if (in.mid(*pos, 2) != "\r\n")
            return false;
        *pos += 2;
        return true;
    }
    case '*': {
        const qint64 count = line.toLongLong(&ok);
        if (!ok || count < -1 || count > MaxElements)
            return false;
        if (count == -1) {
            out->type = RedisReply::Type::Nil;
            return true;
        }
        out->type = RedisReply::Type::Array;
        for (qint64 i = 0; i < count; ++i) {
            RedisReply element;
            if (!readReply(in, pos, depth + 1, &element))
                return false;
            out->array.append(std::move(element));
        }
        return true;
    }
    default:
        return false;
    }
}

void checkToInteger(const RedisReply &r, const QByteArray &input)
{
    const qint64 v = r.toInteger(-7);
    if (r.type == RedisReply::Type::Integer)
        LAB_FUZZ_CHECK(v == r.integer, input, QByteArray::number(v));
    else if (r.type == RedisReply::Type::Nil || r.type == RedisReply::Type::Array || r.isError())
        LAB_FUZZ_CHECK(v == -7, input, QByteArray::number(v));
    for (const RedisReply &e : r.array)
        checkToInteger(e, input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray input = labfuzz::bytes(data, size);
    const qint64 orderId = 1 + static_cast<unsigned char>(input.at(0));
    qsizetype pos = 1;
    RedisReply reply;
    if (!readReply(input, &pos, 0, &reply))
        return 0;

    checkToInteger(reply, input);

    outcomes::Reservation reservation;
    QString error;
    if (!outcomes::parseReservationReply(reply, &reservation, &error))
        LAB_FUZZ_CHECK(!error.isEmpty(), input, "parseReservationReply failed without saying why");
    else if (reservation.voided)
        LAB_FUZZ_CHECK(!reservation.reserved, input, "a voided attempt's event with a reservation");
    else
        LAB_FUZZ_CHECK(reservation.reserved || !reservation.reason.isEmpty(), input,
                       "a rejected reservation without a reason");

    error.clear();
    outcomes::ReleaseAction action = outcomes::ReleaseAction::Unchanged;
    qint64 stock = 0;
    if (!outcomes::parseReleaseReply(reply, &action, &stock, &error))
        LAB_FUZZ_CHECK(!error.isEmpty(), input, "parseReleaseReply failed without saying why");

    error.clear();
    outcomes::Correlation correlation;
    if (!outcomes::parseCorrelationReply(reply, orderId, &correlation, &error)) {
        LAB_FUZZ_CHECK(!error.isEmpty(), input, "parseCorrelationReply failed without saying why");
    } else if (correlation.publish) {
        const Notification &n = *correlation.publish;
        LAB_FUZZ_CHECK(n.orderId == orderId, input, QByteArray::number(n.orderId));
        LAB_FUZZ_CHECK((n.status == Notification::Status::Failed) == !n.reason.isEmpty(), input,
                       n.reason.toUtf8());
        LAB_FUZZ_CHECK(n.createdAt.isValid() && n.notifiedAt.isValid(), input, n.toJson());
        // whatever the hash held, the journey it gives the notification is one the
        // consumers of order.notification accept (malformed stamps are left out)
        QString why;
        const auto journey = journey::Timeline::fromJson(n.timeline.toJson(), &why);
        LAB_FUZZ_CHECK(journey && journey->toJson() == n.timeline.toJson(), input, why.toUtf8());
        LAB_FUZZ_CHECK(n.timeline.traceId().isEmpty() || journey::TraceContext::isTraceId(n.timeline.traceId()),
                       input, n.timeline.traceId());
    }

    const OrderStore::Claim claim = OrderStore::parseClaimReply(reply);
    LAB_FUZZ_CHECK((claim.outcome == OrderStore::Outcome::Error) == !claim.error.isEmpty(), input,
                   claim.error.toUtf8());
    if (claim.proceeds())
        LAB_FUZZ_CHECK(claim.createdAt.isValid(), input, "a claim to proceed without created_at");

    if (const auto record = OrderRecord::fromReply(orderId, reply)) {
        const QJsonObject view = record->toJson();
        LAB_FUZZ_CHECK(view.value(QStringLiteral("order_id")).toInteger() == orderId, input,
                       QJsonDocument(view).toJson(QJsonDocument::Compact));
        LAB_FUZZ_CHECK(!record->status().isEmpty(), input, "empty status");
        (void)record->isVisible();
        (void)record->createdAt();
        (void)record->updatedAt();
        (void)record->quantity();
    }
    return 0;
}
