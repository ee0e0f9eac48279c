// apidocs.cpp: /openapi.json and the Swagger UI at /docs (see apidocs.h).
#include "lab/http/apidocs.h"

#include "lab/http/cors.h"
#include "lab/http/httpservice.h"
#include "lab/http/securityheaders.h"
#include "lab/runtime/log.h"
#include "lab/runtime/servicemetrics.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMimeDatabase>
#include <QRegularExpression>

namespace lab::apidocs {

namespace {

using StatusCode = QHttpServerResponse::StatusCode;

void answer(const QHttpServerRequest &request, QHttpServerResponder &&responder, const QString &route,
            QHttpServerResponse &&response)
{
    metrics::httpRequest(route, int(response.statusCode()));
    cors::allow(response, cors::origin(request)); // the listed pages may read the description
    // Swagger UI talks to its own origin only: /openapi.json and "Try it out".
    securityheaders::add(response, securityheaders::contentSecurityPolicy("'self'"));
    response.write(std::move(responder));
}

/// 405 for anything but GET (HEAD included: QHttpServer 6.4 would send a body).
bool rejectMethod(const QHttpServerRequest &request, QHttpServerResponder &responder, const QString &route)
{
    if (request.method() == QHttpServerRequest::Method::Get)
        return false;
    QHttpServerResponse r = HttpService::jsonError(
        StatusCode::MethodNotAllowed, QStringLiteral("method not allowed on %1: use GET").arg(route));
    r.addHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET"));
    answer(request, std::move(responder), route, std::move(r));
    return true;
}

QByteArray mimeTypeOf(const QString &path)
{
    if (path.endsWith(QLatin1String(".js")))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (path.endsWith(QLatin1String(".css")))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (path.endsWith(QLatin1String(".html")))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (path.endsWith(QLatin1String(".json")) || path.endsWith(QLatin1String(".map")))
        return QByteArrayLiteral("application/json");
    return QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchExtension).name().toUtf8();
}

} // namespace

QString swaggerDir(const QString &compiledDefault)
{
    const QString env = qEnvironmentVariable("SWAGGER_UI_DIR");
    return env.isEmpty() ? compiledDefault : env;
}

bool isSafeFileName(const QString &name)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"));
    return safe.match(name).hasMatch() && !name.contains(QLatin1String(".."));
}

QByteArray indexHtml(const QString &title)
{
    // No inline script or style: the page's Content-Security-Policy allows neither.
    const QString page = QStringLiteral(R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>%1: API documentation</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="stylesheet" href="/docs/index.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
</body>
</html>
)html");
    return page.arg(title.toHtmlEscaped()).toUtf8();
}

QByteArray initializerJs(const QString &specUrl)
{
    // The URL as a JSON string is a valid JavaScript string literal.
    const QByteArray url = QJsonDocument(QJsonArray{specUrl}).toJson(QJsonDocument::Compact);
    return "// Starts Swagger UI on this service's own API description.\n"
           "window.addEventListener('load', function () {\n"
           "  window.ui = SwaggerUIBundle({\n"
           "    url: " + url.mid(1, url.size() - 2) + ",\n"
           "    dom_id: '#swagger-ui',\n"
           "    deepLinking: true,\n"
           "    presets: [SwaggerUIBundle.presets.apis],\n"
           "    layout: 'BaseLayout'\n"
           "  });\n"
           "});\n";
}

void install(HttpService &http, const QByteArray &spec, const QString &swaggerDir, const QString &title)
{
    const bool haveUi = QFileInfo::exists(swaggerDir + QStringLiteral("/swagger-ui-bundle.js"));
    if (!haveUi)
        qCWarning(lcHttp, "Swagger UI not found in %s: /docs will answer 503 (run ./lab deps and "
                          "rebuild, or set SWAGGER_UI_DIR)", qPrintable(swaggerDir));

    QHttpServer &server = http.server();
    const QString specRoute = QStringLiteral("/openapi.json");
    server.route(specRoute, [spec, specRoute](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (rejectMethod(request, responder, specRoute))
            return;
        answer(request, std::move(responder), specRoute,
               QHttpServerResponse(QByteArrayLiteral("application/json"), spec));
    });

    const QByteArray page = indexHtml(title);
    const QByteArray initializer = initializerJs(specRoute);
    const QString docsRoute = QStringLiteral("/docs");
    auto index = [page, haveUi, swaggerDir, docsRoute](const QHttpServerRequest &request,
                                                       QHttpServerResponder &&responder) {
        if (rejectMethod(request, responder, docsRoute))
            return;
        if (!haveUi) {
            answer(request, std::move(responder), docsRoute,
                   HttpService::jsonError(StatusCode::ServiceUnavailable,
                                          QStringLiteral("Swagger UI is not installed (looked in %1); "
                                                         "/openapi.json is available").arg(swaggerDir)));
            return;
        }
        answer(request, std::move(responder), docsRoute,
               QHttpServerResponse(QByteArrayLiteral("text/html; charset=utf-8"), page));
    };
    server.route(docsRoute, index);
    server.route(QStringLiteral("/docs/"), index);

    const QString fileRoute = QStringLiteral("/docs/{file}");
    server.route(QStringLiteral("/docs/<arg>"),
                 [page, initializer, swaggerDir, fileRoute](const QString &file, const QHttpServerRequest &request,
                                                            QHttpServerResponder &&responder) {
        if (rejectMethod(request, responder, fileRoute))
            return;
        // Our page and initializer replace the distribution's (which load the petstore example).
        if (file == QLatin1String("index.html")) {
            answer(request, std::move(responder), fileRoute,
                   QHttpServerResponse(QByteArrayLiteral("text/html; charset=utf-8"), page));
            return;
        }
        if (file == QLatin1String("swagger-initializer.js")) {
            answer(request, std::move(responder), fileRoute,
                   QHttpServerResponse(QByteArrayLiteral("text/javascript; charset=utf-8"), initializer));
            return;
        }
        const QString path = QDir(swaggerDir).filePath(file);
        QFile f(path);
        if (!isSafeFileName(file) || !QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly)) {
            answer(request, std::move(responder), fileRoute,
                   HttpService::jsonError(StatusCode::NotFound,
                                          QStringLiteral("not found: /docs/%1").arg(file)));
            return;
        }
        QHttpServerResponse r(mimeTypeOf(path), f.readAll());
        r.addHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("max-age=3600"));
        answer(request, std::move(responder), fileRoute, std::move(r));
    });
}

} // namespace lab::apidocs
