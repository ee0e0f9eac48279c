// sentinel.cpp: Sentinel replies and the resolver (see sentinel.h).
#include "lab/redis/sentinel.h"

#include "lab/redis/redisclient.h"
#include "lab/runtime/log.h"

#include <QPointer>
#include <QRegularExpression>

#include <algorithm>

namespace lab {

namespace sentinel {

std::optional<QList<Address>> parseAddressList(const QString &text, QString *error)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QList<Address> out;
    for (const QString &entry : text.split(separators, Qt::SkipEmptyParts)) {
        const qsizetype colon = entry.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const uint port = colon > 0 ? entry.mid(colon + 1).toUInt(&ok) : 0;
        if (colon <= 0 || !ok || port < 1 || port > 65535) {
            if (error)
                *error = QStringLiteral("\"%1\" is not host:port (a port from 1 to 65535)").arg(entry);
            return std::nullopt;
        }
        out.append({entry.left(colon), quint16(port)});
    }
    return out;
}

std::optional<Address> parseMasterReply(const RedisReply &reply, QString *why)
{
    QString problem;
    if (reply.isError()) {
        problem = reply.errorMessage();
    } else if (reply.isNil()) {
        problem = QStringLiteral("it does not monitor a master of that name");
    } else if (reply.type != RedisReply::Type::Array || reply.array.size() != 2
               || reply.array.at(0).type != RedisReply::Type::String || reply.array.at(0).string.isEmpty()) {
        problem = QStringLiteral("unexpected reply to SENTINEL get-master-addr-by-name");
    } else {
        bool ok = false;
        const uint port = QString::fromLatin1(reply.array.at(1).string).toUInt(&ok);
        if (ok && port >= 1 && port <= 65535)
            return Address{QString::fromUtf8(reply.array.at(0).string), quint16(port)};
        problem = QStringLiteral("unexpected port \"%1\" in its answer").arg(QString::fromUtf8(reply.array.at(1).string));
    }
    if (why)
        *why = problem;
    return std::nullopt;
}

Role parseRoleReply(const RedisReply &reply)
{
    Role role;
    if (reply.type != RedisReply::Type::Array || reply.array.isEmpty()
        || reply.array.first().type != RedisReply::Type::String)
        return role;
    role.name = reply.array.first().string;
    if (role.name == "master" && reply.array.size() >= 3 && reply.array.at(2).type == RedisReply::Type::Array)
        role.connectedReplicas = int(reply.array.at(2).array.size());
    return role;
}

QString replicationShortfall(const RedisReply &waitReply, int wanted, int timeoutMs)
{
    if (waitReply.isError())
        return QStringLiteral("could not confirm replication (WAIT: %1)").arg(waitReply.errorMessage());
    if (waitReply.type != RedisReply::Type::Integer)
        return QStringLiteral("could not confirm replication (unexpected reply to WAIT)");
    if (waitReply.integer >= wanted)
        return {};
    return QStringLiteral("written on the master, but %1 of %2 replicas acknowledged it within %3 ms")
        .arg(waitReply.integer).arg(wanted).arg(timeoutMs);
}

} // namespace sentinel

struct SentinelResolver::Entry
{
    sentinel::Address address;
    std::unique_ptr<RedisClient> client; ///< opened on first use
};

SentinelResolver::SentinelResolver(const QList<sentinel::Address> &sentinels, const QByteArray &masterName,
                                   QObject *parent)
    : QObject(parent)
    , m_masterName(masterName)
{
    for (const sentinel::Address &a : sentinels) {
        auto e = std::make_unique<Entry>();
        e->address = a;
        m_entries.push_back(std::move(e));
    }
}

SentinelResolver::~SentinelResolver() = default;

QList<sentinel::Address> SentinelResolver::sentinels() const
{
    QList<sentinel::Address> out;
    for (const auto &e : m_entries)
        out.append(e->address);
    return out;
}

void SentinelResolver::setTimeoutMs(int ms)
{
    m_timeoutMs = ms;
    for (const auto &e : m_entries)
        if (e->client)
            e->client->setCommandTimeoutMs(ms);
}

void SentinelResolver::resolve(Done done)
{
    if (m_entries.empty()) {
        QPointer<SentinelResolver> self(this);
        QMetaObject::invokeMethod(this, [self, done] {
            if (self)
                done(std::nullopt, QStringLiteral("no Sentinel configured"));
        }, Qt::QueuedConnection);
        return;
    }
    // The order of this round, fixed now: another round may reorder m_entries meanwhile.
    auto round = std::make_shared<Round>();
    for (const auto &e : m_entries)
        round->order.push_back(e.get());
    ask(round, 0, std::move(done));
}

void SentinelResolver::ask(std::shared_ptr<Round> round, size_t index, Done done)
{
    Entry *e = round->order[index];
    if (!e->client) {
        e->client = std::make_unique<RedisClient>(e->address.host, e->address.port);
        e->client->setCommandTimeoutMs(m_timeoutMs);
        e->client->connectToServer();
    }
    // A Sentinel that is down answers at once (not connected): the next one is asked.
    // RedisClient callbacks never run inline and are dropped with the client, which this
    // object owns (entries are never removed), so `this` and `e` are alive whenever one runs.
    e->client->command({"SENTINEL", "get-master-addr-by-name", m_masterName},
                       [this, round, index, e, done](const RedisReply &reply) {
                           QString why;
                           if (const auto master = sentinel::parseMasterReply(reply, &why)) {
                               // the guidelines' rule: ask this one first next time
                               const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                                            [e](const auto &p) { return p.get() == e; });
                               if (it != m_entries.begin() && it != m_entries.end())
                                   std::rotate(m_entries.begin(), it, it + 1);
                               done(master, {});
                               return;
                           }
                           round->failures.append(QStringLiteral("Sentinel %1: %2").arg(e->address.toString(), why));
                           if (index + 1 < round->order.size()) {
                               ask(round, index + 1, done);
                               return;
                           }
                           done(std::nullopt, QStringLiteral("no Sentinel named the master \"%1\" (%2)")
                                                  .arg(QString::fromUtf8(m_masterName),
                                                       round->failures.join(QStringLiteral("; "))));
                       });
}

} // namespace lab
