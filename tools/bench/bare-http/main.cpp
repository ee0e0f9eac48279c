// bare-http: the HTTP ceiling of the benchmark. A bare QHttpServer whose POST
// /create_order parses the JSON body and answers order-service's success body
// {"message":"Order created"} at once: no validation, Redis or Kafka. What
// bulk-order-generator reaches against it (same client, same concurrency) is the most
// any QHttpServer 6.4 service can answer on this machine.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bare-http"));
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Bare QHttpServer answering POST /create_order (benchmark ceiling)."));
    p.addHelpOption();
    const QCommandLineOption portOpt(QStringLiteral("port"), QStringLiteral("TCP port (0: any free one)."),
                                     QStringLiteral("port"), QStringLiteral("5099"));
    p.addOption(portOpt);
    p.process(app);
    bool ok = false;
    const uint port = p.value(portOpt).toUInt(&ok);
    if (!ok || port > 65535) {
        std::fprintf(stderr, "bare-http: invalid --port\n");
        return 2;
    }

    QHttpServer server;
    server.route(QStringLiteral("/create_order"), QHttpServerRequest::Method::Post,
                 [](const QHttpServerRequest &request) {
                     const QJsonDocument doc = QJsonDocument::fromJson(request.body());
                     if (!doc.isObject())
                         return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid JSON")}},
                                                    QHttpServerResponse::StatusCode::BadRequest);
                     return QHttpServerResponse(QJsonObject{{QStringLiteral("message"), QStringLiteral("Order created")}});
                 });
    const quint16 bound = server.listen(QHostAddress::LocalHost, quint16(port));
    if (bound == 0) {
        std::fprintf(stderr, "bare-http: cannot listen on 127.0.0.1:%u\n", port);
        return 1;
    }
    std::printf("bare-http listening on 127.0.0.1:%u\n", unsigned(bound));
    std::fflush(stdout);
    return app.exec();
}
