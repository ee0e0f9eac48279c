// staticfiles.h: the browser UI's files, served by notifier-service from one directory:
// "/" and directories map to index.html, MIME types come from the file extension, and
// a path that leaves the directory (.., symlinks pointing outside) is never served:
// the canonical path must lie inside the canonical root. Everything else is a 404.
// Files go out with the page's security headers (CSP, nosniff, no framing).
#pragma once

#include <QByteArray>
#include <QString>

class QHttpServerRequest;
class QHttpServerResponse;

namespace lab {
class HttpService;
}

namespace notifier {

class StaticFiles
{
public:
    /// Files larger than this are not served (this is a UI, not a file server).
    static constexpr qint64 MaxFileBytes = 16 * 1024 * 1024;

    explicit StaticFiles(const QString &rootDir);

    /// The root as given and whether it is an existing directory.
    QString root() const { return m_root; }
    bool isValid() const { return !m_canonicalRoot.isEmpty(); }

    struct Lookup
    {
        enum class Status { Found, NotFound };
        Status status = Status::NotFound;
        QString filePath;  ///< canonical path of the file when Found
        QByteArray mimeType;
    };
    /// Resolves a decoded URL path such as "/", "/app.js" or "/img/../index.html".
    Lookup resolve(const QString &urlPath) const;

    /// Content-Type for a file name, e.g. "text/html; charset=utf-8".
    static QByteArray mimeTypeFor(const QString &fileName);

    /// The full answer to a request for a file: 200 with the file and the security
    /// headers (lab::securityheaders), 404 / 405 JSON.
    QHttpServerResponse respond(const QHttpServerRequest &request) const;

    /// Serves the files for every request no route of http takes (all but /healthz,
    /// /metrics, /kafka/* and /ws); warns when the root is not a directory (/ then
    /// answers 404). This object must outlive http's requests.
    void install(lab::HttpService &http) const;

private:
    QString m_root;
    QString m_canonicalRoot;
};

} // namespace notifier
