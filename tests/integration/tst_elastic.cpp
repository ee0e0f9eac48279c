// tst_elastic: lab::ElasticClient against the real Elasticsearch started by
// `./lab infra up`: health, index creation with a mapping, documents, a 10,000 document
// bulk, create actions that keep an existing document, ES's own reasons for failures,
// and servers that are down or never answer.
// Every index it creates is unique to the run and deleted at the end.
#include "lab/elastic/elasticclient.h"
#include "testinfra.h"

#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <optional>

using lab::ElasticBulkItem;
using lab::ElasticClient;
using lab::ElasticResult;

namespace {

/// Starts one call (given the callback to pass) and waits (bounded) for its result.
template<typename Start>
std::optional<ElasticResult> await(Start start, int timeoutMs = 60000)
{
    auto got = std::make_shared<std::optional<ElasticResult>>();
    start([got](const ElasticResult &r) { *got = r; });
    (void)QTest::qWaitFor([&] { return got->has_value(); }, timeoutMs);
    return *got;
}

QJsonObject orderLogIndexBody()
{
    const QJsonObject properties{
        {"order_id", QJsonObject{{"type", "long"}}},
        {"item", QJsonObject{{"type", "text"},
                             {"fields", QJsonObject{{"keyword", QJsonObject{{"type", "keyword"}}}}}}},
        {"quantity", QJsonObject{{"type", "integer"}}},
        {"timestamp", QJsonObject{{"type", "date"}}},
    };
    return QJsonObject{
        {"settings", QJsonObject{{"number_of_shards", 1}, {"number_of_replicas", 0}}},
        {"mappings", QJsonObject{{"properties", properties}}},
    };
}

QJsonObject order(int id, const QString &item)
{
    return QJsonObject{{"order_id", id},
                       {"item", item},
                       {"quantity", 1 + id % 5},
                       {"timestamp", QStringLiteral("2024-05-01T12:00:00.%1Z").arg(id % 1000, 3, 10, QLatin1Char('0'))}};
}

qint64 totalHits(const QJsonObject &body)
{
    return body.value("hits").toObject().value("total").toObject().value("value").toInteger(-1);
}

} // namespace

class TstElastic : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void healthIsOk();
    void ensureIndexAppliesMappingAndIsIdempotent();
    void indexThenGetDocument();
    void bulkTenThousandThenSearchFindsThem();
    void badQueryReturnsElasticsReason();
    void bulkWithFailingItemReportsItsReason();
    void bulkCreateKeepsAnExistingDocument();
    void missingIndexReturnsElasticsReason();
    void unreachableServerGivesError();
    void silentServerTimesOut();
    void deletingClientInsideCallbackIsSafe();

private:
    /// A fresh, unique, lowercase index with the order-log mapping; deleted at the end.
    QString createIndex(const char *prefix);

    std::unique_ptr<ElasticClient> m_es;
    QStringList m_created;
};

void TstElastic::initTestCase()
{
    m_es = std::make_unique<ElasticClient>(labtest::elasticUrl());
    m_es->setTimeoutMs(60000);
}

void TstElastic::cleanupTestCase()
{
    for (const QString &index : std::as_const(m_created)) {
        auto r = await([&](auto cb) { m_es->deleteIndex(index, cb); }, 30000);
        if (!r || !r->ok)
            qWarning("could not delete index %s: %s", qPrintable(index), r ? qPrintable(r->error) : "no answer");
    }
}

QString TstElastic::createIndex(const char *prefix)
{
    const QString index = labtest::uniqueName(QString::fromLatin1(prefix)).toLower();
    auto r = await([&](auto cb) { m_es->ensureIndex(index, orderLogIndexBody(), cb); });
    if (!r || !r->ok) {
        qWarning("creating %s failed: %s", qPrintable(index), r ? qPrintable(r->error) : "no answer");
        return {};
    }
    m_created << index;
    return index;
}

void TstElastic::healthIsOk()
{
    LAB_REQUIRE_ELASTIC();
    auto r = await([&](auto cb) { m_es->health(cb); });
    QVERIFY(r);
    QVERIFY2(r->ok, qPrintable(r->error));
    QCOMPARE(r->status, 200);
    QVERIFY(r->error.isEmpty());
    const QString status = r->body.value("status").toString();
    QVERIFY2(status == "green" || status == "yellow", qPrintable(status));
}

void TstElastic::ensureIndexAppliesMappingAndIsIdempotent()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = labtest::uniqueName("tst-elastic-ensure").toLower();
    auto first = await([&](auto cb) { m_es->ensureIndex(index, orderLogIndexBody(), cb); });
    QVERIFY(first);
    QVERIFY2(first->ok, qPrintable(first->error));
    m_created << index;
    QCOMPARE(first->body.value("index").toString(), index);

    auto second = await([&](auto cb) { m_es->ensureIndex(index, orderLogIndexBody(), cb); });
    QVERIFY(second);
    QVERIFY2(second->ok, qPrintable(second->error)); // already exists is fine
    QVERIFY(second->error.isEmpty());

    auto mapping = await([&](auto cb) { m_es->request("GET", "/" + index + "/_mapping", {}, {}, cb); });
    QVERIFY(mapping);
    QVERIFY2(mapping->ok, qPrintable(mapping->error));
    const QJsonObject props = mapping->body.value(index).toObject().value("mappings").toObject()
                                  .value("properties").toObject();
    QCOMPARE(props.value("timestamp").toObject().value("type").toString(), QStringLiteral("date"));
    QCOMPARE(props.value("item").toObject().value("type").toString(), QStringLiteral("text"));
    QCOMPARE(props.value("item").toObject().value("fields").toObject().value("keyword").toObject()
                 .value("type").toString(),
             QStringLiteral("keyword"));
}

void TstElastic::indexThenGetDocument()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = createIndex("tst-elastic-doc");
    QVERIFY(!index.isEmpty());
    const QJsonObject doc = order(42, QStringLiteral("wireless mouse \"pro\" & co"));

    // An id that needs percent-encoding in the URL.
    const QString id = QStringLiteral("42/a b?c");
    auto put = await([&](auto cb) { m_es->indexDocument(index, id, doc, cb); });
    QVERIFY(put);
    QVERIFY2(put->ok, qPrintable(put->error));
    QCOMPARE(put->status, 201);
    QCOMPARE(put->body.value("_id").toString(), id);

    auto got = await([&](auto cb) { m_es->getDocument(index, id, cb); });
    QVERIFY(got);
    QVERIFY2(got->ok, qPrintable(got->error));
    QCOMPARE(got->body.value("_source").toObject(), doc);

    // Replacing keeps one document (a replay never duplicates).
    auto again = await([&](auto cb) { m_es->indexDocument(index, id, doc, cb); });
    QVERIFY(again && again->ok);
    QCOMPARE(again->status, 200);
    QCOMPARE(again->body.value("result").toString(), QStringLiteral("updated"));

    auto missing = await([&](auto cb) { m_es->getDocument(index, QStringLiteral("no-such-id"), cb); });
    QVERIFY(missing);
    QVERIFY(!missing->ok);
    QCOMPARE(missing->status, 404);
    QVERIFY2(missing->error.contains("not found"), qPrintable(missing->error));
}

void TstElastic::bulkTenThousandThenSearchFindsThem()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = createIndex("tst-elastic-bulk");
    QVERIFY(!index.isEmpty());
    constexpr int n = 10000;
    QList<ElasticBulkItem> items;
    items.reserve(n);
    for (int i = 1; i <= n; ++i)
        items.append({index, QString::number(i), order(i, i % 2 ? QStringLiteral("mouse") : QStringLiteral("keyboard"))});

    auto bulk = await([&](auto cb) { m_es->bulk(items, cb, /*refresh=*/true); }, 120000);
    QVERIFY(bulk);
    QVERIFY2(bulk->ok, qPrintable(bulk->error));
    QCOMPARE(bulk->body.value("errors").toBool(true), false);
    QCOMPARE(bulk->body.value("items").toArray().size(), n);

    // Count everything (size 0, exact total).
    auto all = await([&](auto cb) {
        m_es->search(index, QJsonObject{{"size", 0}, {"track_total_hits", true}, {"query", QJsonObject{{"match_all", QJsonObject{}}}}}, cb);
    });
    QVERIFY(all);
    QVERIFY2(all->ok, qPrintable(all->error));
    QCOMPARE(totalHits(all->body), qint64(n));

    // A match query on the text field finds exactly the mice, newest first.
    const QJsonObject mice{
        {"size", 3},
        {"track_total_hits", true},
        {"query", QJsonObject{{"match", QJsonObject{{"item", "mouse"}}}}},
        {"sort", QJsonArray{QJsonObject{{"order_id", QJsonObject{{"order", "desc"}}}}}},
    };
    auto found = await([&](auto cb) { m_es->search(index, mice, cb); });
    QVERIFY(found);
    QVERIFY2(found->ok, qPrintable(found->error));
    QCOMPARE(totalHits(found->body), qint64(n / 2));
    const QJsonArray hits = found->body.value("hits").toObject().value("hits").toArray();
    QCOMPARE(hits.size(), 3);
    QCOMPARE(hits.at(0).toObject().value("_source").toObject().value("order_id").toInt(), n - 1);
    QCOMPARE(hits.at(0).toObject().value("_source").toObject().value("item").toString(), QStringLiteral("mouse"));

    // The keyword sub-field aggregates.
    auto terms = await([&](auto cb) {
        m_es->search(index, QJsonObject{{"size", 0},
                                        {"aggs", QJsonObject{{"items", QJsonObject{{"terms", QJsonObject{{"field", "item.keyword"}}}}}}}},
                     cb);
    });
    QVERIFY(terms);
    QVERIFY2(terms->ok, qPrintable(terms->error));
    const QJsonArray buckets = terms->body.value("aggregations").toObject().value("items").toObject()
                                   .value("buckets").toArray();
    QCOMPARE(buckets.size(), 2);
    QCOMPARE(buckets.at(0).toObject().value("doc_count").toInt(), n / 2);
}

void TstElastic::badQueryReturnsElasticsReason()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = createIndex("tst-elastic-badquery");
    QVERIFY(!index.isEmpty());
    auto r = await([&](auto cb) {
        m_es->search(index, QJsonObject{{"query", QJsonObject{{"no_such_query", QJsonObject{}}}}}, cb);
    });
    QVERIFY(r);
    QVERIFY(!r->ok);
    QCOMPARE(r->status, 400);
    QVERIFY2(r->error.contains("no_such_query"), qPrintable(r->error)); // "unknown query [no_such_query]"
    QVERIFY2(r->error.contains("parsing_exception"), qPrintable(r->error));
    QVERIFY(r->body.contains("error")); // ES's body is kept

    // A failure reported through root_cause (search_phase_execution_exception).
    auto sortOnText = await([&](auto cb) {
        m_es->search(index, QJsonObject{{"sort", QJsonArray{QJsonObject{{"item", "asc"}}}}}, cb);
    });
    QVERIFY(sortOnText);
    QVERIFY(!sortOnText->ok);
    QCOMPARE(sortOnText->status, 400);
    QVERIFY2(sortOnText->error.contains("fielddata", Qt::CaseInsensitive)
                 || sortOnText->error.contains("Text fields", Qt::CaseInsensitive),
             qPrintable(sortOnText->error));
}

void TstElastic::bulkWithFailingItemReportsItsReason()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = createIndex("tst-elastic-bulkfail");
    QVERIFY(!index.isEmpty());
    QJsonObject bad = order(2, QStringLiteral("mouse"));
    bad.insert("timestamp", "not a date");
    const QList<ElasticBulkItem> items{
        {index, QStringLiteral("1"), order(1, QStringLiteral("mouse"))},
        {index, QStringLiteral("2"), bad},
        {index, QStringLiteral("3"), order(3, QStringLiteral("mouse"))},
    };
    auto r = await([&](auto cb) { m_es->bulk(items, cb, true); });
    QVERIFY(r);
    QVERIFY(!r->ok);
    QCOMPARE(r->status, 200); // the request itself succeeded
    QVERIFY2(r->error.contains("timestamp"), qPrintable(r->error));
    QVERIFY2(r->error.contains("1 of 3"), qPrintable(r->error));
    QVERIFY2(r->error.contains("_id 2"), qPrintable(r->error));
    const QJsonArray answered = r->body.value("items").toArray(); // partial success is visible
    QCOMPARE(answered.size(), 3);
    QCOMPARE(answered.at(0).toObject().value("index").toObject().value("status").toInt(), 201);
    QCOMPARE(answered.at(1).toObject().value("index").toObject().value("status").toInt(), 400);

    auto count = await([&](auto cb) { m_es->search(index, QJsonObject{{"size", 0}, {"track_total_hits", true}}, cb); });
    QVERIFY(count && count->ok);
    QCOMPARE(totalHits(count->body), qint64(2));

    // An empty bulk is a success without a request.
    auto empty = await([&](auto cb) { m_es->bulk({}, cb); });
    QVERIFY(empty);
    QVERIFY(empty->ok);
}

void TstElastic::bulkCreateKeepsAnExistingDocument()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = createIndex("tst-elastic-create");
    QVERIFY(!index.isEmpty());
    using Action = ElasticBulkItem::Action;
    auto first = await([&](auto cb) {
        m_es->bulk({{index, QStringLiteral("1"), order(1, QStringLiteral("decided")), Action::Index},
                    {index, QStringLiteral("2"), order(2, QStringLiteral("created")), Action::Create}},
                   cb, true);
    });
    QVERIFY(first);
    QVERIFY2(first->ok, qPrintable(first->error));

    // A create of a document that exists answers 409 for that item: done, not an error,
    // and the document stays as it was. An index replaces.
    auto second = await([&](auto cb) {
        m_es->bulk({{index, QStringLiteral("1"), order(1, QStringLiteral("late")), Action::Create},
                    {index, QStringLiteral("2"), order(2, QStringLiteral("replaced")), Action::Index},
                    {index, QStringLiteral("3"), order(3, QStringLiteral("new")), Action::Create}},
                   cb, true);
    });
    QVERIFY(second);
    QVERIFY2(second->ok, qPrintable(second->error));
    QVERIFY(second->error.isEmpty());
    const QJsonArray items = second->body.value("items").toArray();
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.at(0).toObject().value("create").toObject().value("status").toInt(), 409);
    QCOMPARE(items.at(1).toObject().value("index").toObject().value("status").toInt(), 200);
    QCOMPARE(items.at(2).toObject().value("create").toObject().value("status").toInt(), 201);
    QVERIFY(ElasticClient::failedBulkItems(second->body).isEmpty());
    const auto itemOf = [&](const char *id) {
        auto r = await([&](auto cb) { m_es->getDocument(index, QString::fromLatin1(id), cb); });
        return r && r->ok ? r->body.value("_source").toObject().value("item").toString() : QString();
    };
    QCOMPARE(itemOf("1"), QStringLiteral("decided"));
    QCOMPARE(itemOf("2"), QStringLiteral("replaced"));
    QCOMPARE(itemOf("3"), QStringLiteral("new"));

    // A 409 next to a real failure: only the real one is reported.
    QJsonObject bad = order(4, QStringLiteral("mouse"));
    bad.insert("timestamp", "not a date");
    auto third = await([&](auto cb) {
        m_es->bulk({{index, QStringLiteral("1"), order(1, QStringLiteral("late")), Action::Create},
                    {index, QStringLiteral("4"), bad, Action::Create}},
                   cb);
    });
    QVERIFY(third);
    QVERIFY(!third->ok);
    QVERIFY2(third->error.contains("1 of 2"), qPrintable(third->error));
    QVERIFY2(third->error.contains("_id 4"), qPrintable(third->error));
    const QList<QJsonObject> failed = ElasticClient::failedBulkItems(third->body);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().value("_id").toString(), QStringLiteral("4"));
    QCOMPARE(failed.first().value("status").toInt(), 400);
    QCOMPARE(failed.first().value("position").toInt(), 1);
}

void TstElastic::missingIndexReturnsElasticsReason()
{
    LAB_REQUIRE_ELASTIC();
    const QString index = labtest::uniqueName("tst-elastic-missing").toLower();
    auto r = await([&](auto cb) { m_es->search(index, QJsonObject{{"size", 0}}, cb); });
    QVERIFY(r);
    QVERIFY(!r->ok);
    QCOMPARE(r->status, 404);
    QVERIFY2(r->error.contains("index_not_found_exception"), qPrintable(r->error));

    auto bad = await([&](auto cb) { m_es->ensureIndex("Upper_Case_Is_Invalid", QJsonObject{}, cb); });
    QVERIFY(bad);
    QVERIFY(!bad->ok);
    QCOMPARE(bad->status, 400);
    QVERIFY2(bad->error.contains("invalid_index_name_exception"), qPrintable(bad->error));
}

void TstElastic::unreachableServerGivesError()
{
    LAB_REQUIRE_ELASTIC(); // the suite runs against real infrastructure; this one uses a dead port
    QUrl url(QStringLiteral("http://127.0.0.1"));
    url.setPort(labtest::freePort());
    ElasticClient es(url);
    es.setTimeoutMs(3000);
    auto r = await([&](auto cb) { es.health(cb); }, 10000);
    QVERIFY2(r, "no answer at all");
    QVERIFY(!r->ok);
    QCOMPARE(r->status, 0);
    QVERIFY2(r->error.contains("unreachable"), qPrintable(r->error));

    auto b = await([&](auto cb) { es.bulk({{"x", "1", QJsonObject{{"a", 1}}}}, cb); }, 10000);
    QVERIFY(b);
    QVERIFY(!b->ok);
    QVERIFY(!b->error.isEmpty());
}

void TstElastic::silentServerTimesOut()
{
    LAB_REQUIRE_ELASTIC();
    // Accepts connections and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = silent.nextPendingConnection())
            held << s;
    });
    QUrl url(QStringLiteral("http://127.0.0.1"));
    url.setPort(silent.serverPort());
    ElasticClient es(url);
    es.setTimeoutMs(300);
    QElapsedTimer t;
    t.start();
    auto r = await([&](auto cb) { es.search("x", QJsonObject{{"size", 0}}, cb); }, 10000);
    QVERIFY2(r, "no answer at all");
    QVERIFY(!r->ok);
    QCOMPARE(r->status, 0);
    QVERIFY2(r->error.contains("300 ms"), qPrintable(r->error));
    QVERIFY2(t.elapsed() < 5000, "the timeout bounds the wait");
}

void TstElastic::deletingClientInsideCallbackIsSafe()
{
    LAB_REQUIRE_ELASTIC();
    auto *es = new ElasticClient(labtest::elasticUrl());
    QPointer<ElasticClient> alive(es);
    // Two requests in flight; they may finish in either order, so whichever answers
    // first deletes the client, and the other one must be dropped with it, never called.
    int calls = 0;
    bool firstOk = false;
    const auto onHealth = [&](const ElasticResult &r) {
        if (++calls > 1)
            return; // called after its client was deleted: the check below fails
        firstOk = r.ok;
        delete es;
    };
    es->health(onHealth);
    es->health(onHealth);
    QTRY_VERIFY_WITH_TIMEOUT(!alive, 30000);
    // Elasticsearch answers both requests at about the same time: once a request sent
    // after them has been answered too (and its queued callback ran), the dropped one
    // would have been called by now if it was not dropped.
    ElasticClient other(labtest::elasticUrl());
    QVERIFY(await([&](auto cb) { other.health(cb); }, 30000));
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QVERIFY2(firstOk, "the first health call did not succeed");
    QCOMPARE(calls, 1);
}

QTEST_GUILESS_MAIN(TstElastic)
#include "tst_elastic.moc"
