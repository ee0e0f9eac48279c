// orderapi.h: the HTTP face of order-service: POST /create_order and GET /orders/{id},
// mapped onto OrderIntake and OrderStore with explicit status codes and JSON bodies.
// The request checks that need no I/O are static so unit tests can drive them.
#pragma once

#include <QByteArray>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <optional>

class QHttpServerRequest;
class OrderIntake;

namespace lab {
class HttpService;
class OrderStore;
class ShutdownSignal;
}

class OrderApi : public QObject
{
    Q_OBJECT
public:
    OrderApi(lab::HttpService *http, OrderIntake *intake, lab::OrderStore *store,
             QObject *parent = nullptr);

    /// Registers the routes on the HttpService's server.
    void install();
    /// Non-empty: POST /create_order needs "Authorization: Bearer <token>" (else 401).
    void setApiToken(const QByteArray &token) { m_apiToken = token; }

    /// On SIGTERM/SIGINT: stop accepting orders and connections, let the orders in
    /// flight get their delivery reports (for at most drainMs), flush the producer, hand
    /// the last answers to the kernel and quit with 0.
    void shutdownOn(lab::ShutdownSignal *signal, int drainMs);

    /// Whether an Authorization header value carries exactly this bearer token. The
    /// comparison takes the same time wherever the first difference is (and whatever
    /// the lengths), so the token cannot be guessed byte by byte from response times.
    static bool bearerTokenMatches(const QByteArray &authorization, const QByteArray &token);

    /// The body answered for an accepted order (first time and identical retries).
    static QJsonObject createdBody();

    /// A Content-Type that announces JSON: application/json, optionally with a
    /// charset parameter that must then be UTF-8. Case-insensitive.
    static bool isJsonContentType(const QByteArray &value);
    /// A positive decimal order id within lab::limits::MaxOrderId; nullopt otherwise.
    static std::optional<qint64> parseOrderId(const QString &text);
    /// A header's value (case-insensitive name); null when absent.
    static QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name);

private:
    void createOrder(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void getOrder(const QString &id, const QByteArray &origin, QHttpServerResponder &&responder);

    lab::HttpService *m_http;
    OrderIntake *m_intake;
    lab::OrderStore *m_store;
    QByteArray m_apiToken;
};
