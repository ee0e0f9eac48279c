// apidocs.h: a service's API description served next to its API: GET /openapi.json
// (the OpenAPI document the service embeds) and GET /docs (Swagger UI from npm's
// swagger-ui-dist, served from a local directory: no CDN, works offline).
// The build copies swagger-ui-dist into the build tree (cmake/LabSwaggerUi.cmake) and
// compiles its path into the service; SWAGGER_UI_DIR overrides it at run time.
#pragma once

#include <QByteArray>
#include <QString>

namespace lab {

class HttpService;

namespace apidocs {

/// The Swagger UI directory: $SWAGGER_UI_DIR when set, else compiledDefault.
QString swaggerDir(const QString &compiledDefault);

/// Registers GET /openapi.json (spec, served as is), GET /docs and /docs/ (a page that
/// loads Swagger UI from /docs/, and /docs/swagger-initializer.js, which points it at
/// /openapi.json) and GET /docs/<file> (files of swaggerDir; only plain file names,
/// nothing outside it). Other methods on these paths get 405. A missing swaggerDir
/// makes /docs answer 503 naming it (logged once at start), never a crash. Every answer
/// carries lab::securityheaders with a policy that allows only the service's own origin.
void install(HttpService &http, const QByteArray &spec, const QString &swaggerDir,
             const QString &title);

/// The /docs page (public for tests): no inline script or style.
QByteArray indexHtml(const QString &title);
/// /docs/swagger-initializer.js: starts Swagger UI on specUrl.
QByteArray initializerJs(const QString &specUrl);

/// True for a name that may be served from the Swagger UI directory.
bool isSafeFileName(const QString &name);

} // namespace apidocs
} // namespace lab
