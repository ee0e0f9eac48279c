// fuzzcheck.h: the properties every libFuzzer target in tests/fuzz checks on one input.
// A violated property prints what broke, with the input, and aborts, so libFuzzer
// records a crash-* file that reproduces it (docs/FUZZING.md).
//
// For every parser T::fromJson(bytes):
//   1. it returns (ASan/UBSan watch the way there) and is deterministic;
//   2. a rejection names a known field (or none) and carries a message;
//   3. an accepted value obeys the contract of docs/EVENTS.md (ranges, trimmed item,
//      reason exactly on failure, valid UTC timestamps with millisecond precision);
//   4. round trip: serialise the value, parse it again: it must be accepted, equal to the
//      first value, and serialise to the very same bytes.
#pragma once

#include "lab/contract/events.h"

#include <QByteArray>
#include <QDateTime>
#include <QStringList>

#include <cstdio>
#include <cstdlib>

namespace labfuzz {

[[noreturn]] inline void fail(const char *what, const QByteArray &input, const QByteArray &detail = {})
{
    std::fprintf(stderr, "\n*** fuzz property violated: %s\n*** input (%lld bytes): %s\n",
                 what, static_cast<long long>(input.size()), input.toPercentEncoding(" {}\":,[]").constData());
    if (!detail.isEmpty())
        std::fprintf(stderr, "*** detail: %s\n", detail.constData());
    std::fflush(stderr);
    std::abort();
}

#define LAB_FUZZ_CHECK(cond, input, detail) \
    do { \
        if (!(cond)) \
            ::labfuzz::fail(#cond, (input), (detail)); \
    } while (false)

inline QByteArray describe(const QString &error, const QString &field)
{
    return QStringLiteral("field=%1 error=%2").arg(field, error).toUtf8();
}

/// Property 2: every rejection says why, and about which field.
template <typename T>
void checkRejection(const lab::Parsed<T> &p, const QByteArray &input, const QStringList &knownFields)
{
    LAB_FUZZ_CHECK(!p.error.isEmpty(), input, describe(p.error, p.field));
    LAB_FUZZ_CHECK(p.field.isEmpty() || knownFields.contains(p.field), input, describe(p.error, p.field));
}

/// Property 3, the fields every event shares with the order request.
inline void checkCommon(qint64 orderId, const QString &item, qint64 quantity, const QByteArray &input)
{
    LAB_FUZZ_CHECK(orderId >= 1 && orderId <= lab::limits::MaxOrderId, input, QByteArray::number(orderId));
    LAB_FUZZ_CHECK(!item.isEmpty() && item.size() <= lab::limits::MaxItemLength, input, item.toUtf8());
    LAB_FUZZ_CHECK(item == item.trimmed(), input, item.toUtf8());
    LAB_FUZZ_CHECK(quantity >= 1 && quantity <= lab::limits::MaxQuantity, input, QByteArray::number(quantity));
}

/// Property 3 for a reason: present (trimmed, non-empty) exactly on failure.
inline void checkReason(const QString &reason, bool failure, const QByteArray &input)
{
    if (failure) {
        LAB_FUZZ_CHECK(!reason.isEmpty() && reason == reason.trimmed(), input, reason.toUtf8());
    } else {
        LAB_FUZZ_CHECK(reason.isEmpty(), input, reason.toUtf8());
    }
}

/// Property 3 for a timestamp: valid, UTC, and whole milliseconds (what isoTimestamp keeps).
inline void checkTimestamp(const QDateTime &t, const QByteArray &input)
{
    LAB_FUZZ_CHECK(t.isValid(), input, QByteArray());
    LAB_FUZZ_CHECK(t.timeSpec() == Qt::UTC, input, t.toString(Qt::ISODateWithMs).toUtf8());
    LAB_FUZZ_CHECK(!lab::isoTimestamp(t).isEmpty(), input, t.toString(Qt::ISODateWithMs).toUtf8());
}

/// Properties 1 and 4 for types with a toJson(): deterministic parse, and
/// serialise -> parse -> equal value -> identical bytes. `same` compares two values.
template <typename T, typename Same>
void checkRoundTrip(const T &value, const QByteArray &input, Same same)
{
    const QByteArray json = value.toJson();
    const lab::Parsed<T> again = T::fromJson(json);
    LAB_FUZZ_CHECK(again.ok(), input, "re-parsing toJson() output " + json + " failed: "
                   + describe(again.error, again.field));
    LAB_FUZZ_CHECK(same(value, *again.value), input, "toJson() output " + json + " parses to another value");
    LAB_FUZZ_CHECK(again.value->toJson() == json, input, json + " != " + again.value->toJson());
}

template <typename T>
lab::Parsed<T> parseTwice(const QByteArray &input)
{
    lab::Parsed<T> first = T::fromJson(input);
    const lab::Parsed<T> second = T::fromJson(input);
    LAB_FUZZ_CHECK(first.ok() == second.ok() && first.error == second.error && first.field == second.field,
                   input, "two parses of the same bytes disagree");
    return first;
}

/// The libFuzzer input as the QByteArray the services hand to the parsers (a copy, so
/// ASan sees any read past its end).
inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

} // namespace labfuzz
