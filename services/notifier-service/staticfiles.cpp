// staticfiles.cpp: see staticfiles.h.
#include "staticfiles.h"

#include "lab/http/httpservice.h"
#include "lab/http/securityheaders.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>

namespace notifier {

using StatusCode = QHttpServerResponse::StatusCode;

namespace {

/// The page may connect to the host it was requested from and to the loopback names, on
/// any port (the APIs and the feed; the page's settings may move them).
QByteArray contentSecurityPolicy(const QHttpServerRequest &request)
{
    return lab::securityheaders::contentSecurityPolicy(
        lab::securityheaders::ownHostsConnectSrc(request.value(QByteArrayLiteral("host"))));
}

} // namespace

StaticFiles::StaticFiles(const QString &rootDir)
    : m_root(rootDir)
{
    const QFileInfo info(rootDir);
    if (info.isDir())
        m_canonicalRoot = info.canonicalFilePath();
}

QByteArray StaticFiles::mimeTypeFor(const QString &fileName)
{
    static const QHash<QString, QByteArray> types = {
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("woff"), "font/woff"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("wasm"), "application/wasm"},
    };
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    return types.value(suffix, QByteArrayLiteral("application/octet-stream"));
}

StaticFiles::Lookup StaticFiles::resolve(const QString &urlPath) const
{
    Lookup none;
    if (!isValid() || urlPath.contains(QChar(0)) || urlPath.contains(QLatin1Char('\\')))
        return none;
    // QDir::cleanPath folds "." and ".." lexically; the canonical check below catches
    // whatever remains (symlinks out of the tree).
    QString relative = QDir::cleanPath(QLatin1Char('/') + urlPath);
    if (relative.startsWith(QLatin1String("/..")))
        return none;
    QFileInfo info(m_canonicalRoot + relative);
    if (info.isDir())
        info.setFile(info.filePath() + QStringLiteral("/index.html"));
    const QString canonical = info.canonicalFilePath(); // empty when it does not exist
    if (canonical.isEmpty() || !canonical.startsWith(m_canonicalRoot + QLatin1Char('/')))
        return none;
    const QFileInfo target(canonical);
    if (!target.isFile() || !target.isReadable() || target.size() > MaxFileBytes)
        return none;
    return {Lookup::Status::Found, canonical, mimeTypeFor(canonical)};
}

QHttpServerResponse StaticFiles::respond(const QHttpServerRequest &request) const
{
    const QString path = request.url().path(QUrl::FullyDecoded);
    if (request.method() != QHttpServerRequest::Method::Get)
        return lab::HttpService::jsonError(StatusCode::MethodNotAllowed,
                                           QStringLiteral("method not allowed for %1: use GET").arg(path));
    const Lookup found = resolve(path);
    if (found.status == Lookup::Status::Found) {
        QFile file(found.filePath);
        if (file.open(QIODevice::ReadOnly)) {
            QHttpServerResponse response(found.mimeType, file.readAll());
            response.setHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache"));
            lab::securityheaders::add(response, contentSecurityPolicy(request));
            return response;
        }
    }
    return lab::HttpService::jsonError(StatusCode::NotFound, QStringLiteral("not found: %1").arg(path));
}

void StaticFiles::install(lab::HttpService &http) const
{
    if (!isValid())
        qWarning("the browser UI directory %s does not exist; / will answer 404", qPrintable(m_root));
    http.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        respond(request).write(std::move(responder));
    });
}

} // namespace notifier
