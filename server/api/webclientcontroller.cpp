#include "webclientcontroller.h"

#include "http/apierror.h"
#include "log/categories.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace marquee {

namespace {

const QString kRoot = QStringLiteral(":/marquee/web");

QByteArray contentTypeOf(const QString &name)
{
    static const QList<QPair<QString, QByteArray>> types {
        {QStringLiteral(".html"), "text/html; charset=utf-8"},
        {QStringLiteral(".js"), "text/javascript; charset=utf-8"},
        {QStringLiteral(".css"), "text/css; charset=utf-8"},
        {QStringLiteral(".svg"), "image/svg+xml"},
        {QStringLiteral(".png"), "image/png"},
        {QStringLiteral(".json"), "application/json; charset=utf-8"},
        {QStringLiteral(".webmanifest"), "application/manifest+json"},
    };
    for (const auto &[suffix, type] : types) {
        if (name.endsWith(suffix))
            return type;
    }
    return "application/octet-stream";
}

QByteArray htmlAttribute(const QString &text)
{
    return text.toHtmlEscaped().toUtf8();
}

} // namespace

QString WebClientController::frontendApiHost(const QString &publishableKey)
{
    static const QRegularExpression form(QStringLiteral("^pk_(test|live)_([A-Za-z0-9+/=_-]+)$"));
    const QRegularExpressionMatch m = form.match(publishableKey.trimmed());
    if (!m.hasMatch())
        return {};
    // Clerk encodes the host with standard base64; accept the URL-safe alphabet too.
    QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        m.captured(2).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        decoded = QByteArray::fromBase64Encoding(m.captured(2).toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return {};
    QString host = QString::fromUtf8(*decoded);
    if (host.endsWith(QLatin1Char('$')))
        host.chop(1);
    static const QRegularExpression hostName(QStringLiteral(
        "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+\\z"));
    return hostName.match(host).hasMatch() ? host.toLower() : QString();
}

WebClientController::WebClientController(const QString &publishableKey, const QString &publicUrl)
{
    QDir dir(kRoot);
    QStringList names = dir.entryList(QDir::Files, QDir::Name);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray indexTemplate;
    for (const QString &name : std::as_const(names)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray body = f.readAll();
        hash.addData(name.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(body);
        if (name == QLatin1String("index.html"))
            indexTemplate = body;
        else
            m_assets.insert(name, Asset {body, contentTypeOf(name)});
    }
    m_version = hash.result().toHex().left(12);

    const QString host = frontendApiHost(publishableKey);
    if (!publishableKey.isEmpty() && host.isEmpty())
        qCWarning(lcApp) << "CLERK_PUBLISHABLE_KEY is not a Clerk publishable key (pk_test_... or "
                            "pk_live_...): the web client offers no Clerk sign-in";
    const QByteArray clerkOrigin = host.isEmpty() ? QByteArray() : "https://" + host.toLatin1();

    // Clerk's components (when configured) need its frontend API for scripts and requests, its
    // image host for avatars, inline styles and Cloudflare's bot check in a frame
    // (clerk.com/docs/security/clerk-csp).
    const QByteArray withClerk = clerkOrigin.isEmpty() ? QByteArray() : " " + clerkOrigin;
    // With MARQUEE_PUBLIC_URL on another origin than the one the page came from (a LAN address
    // beside a host name), the proxied images come from there.
    const QUrl publicOrigin(publicUrl);
    const QByteArray imagesOrigin = publicUrl.isEmpty() || !publicOrigin.isValid() ? QByteArray()
                                                                                   : " "
            + publicOrigin
                  .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                      | QUrl::RemoveUserInfo | QUrl::StripTrailingSlash)
                  .toString(QUrl::FullyEncoded)
                  .toLatin1();
    m_csp = "default-src 'self'; script-src 'self'" + withClerk
        + (clerkOrigin.isEmpty() ? QByteArray() : QByteArray(" https://challenges.cloudflare.com"))
        + "; style-src 'self'"
        + (clerkOrigin.isEmpty() ? QByteArray() : QByteArray(" 'unsafe-inline'"))
        + "; img-src 'self' data: https://image.tmdb.org" + imagesOrigin
        + (clerkOrigin.isEmpty() ? QByteArray() : QByteArray(" https://img.clerk.com"))
        + "; connect-src 'self'" + withClerk + "; frame-src "
        + (clerkOrigin.isEmpty() ? QByteArray("'none'")
                                 : QByteArray("https://challenges.cloudflare.com"))
        + "; worker-src 'self'" + (clerkOrigin.isEmpty() ? QByteArray() : QByteArray(" blob:"))
        + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    m_index = indexTemplate;
    m_index.replace("__ASSETS__", "/assets/" + m_version);
    m_index.replace("__CLERK_PUBLISHABLE_KEY__",
        host.isEmpty() ? QByteArray() : htmlAttribute(publishableKey.trimmed()));
    m_index.replace("__CLERK_FRONTEND_API__", clerkOrigin);
    m_indexEtag = '"'
        + QCryptographicHash::hash(m_index, QCryptographicHash::Sha256).toHex().left(16) + '"';
    if (indexTemplate.isEmpty())
        qCWarning(lcApp) << "the web client is missing from the build: / answers 404";
}

void WebClientController::registerRoutes(Router &router)
{
    // Constant bytes: served on whichever event loop the request came to.
    router.get(QStringLiteral("/"), [this](const ExchangePtr &ex) { index(ex); })
        .withTier(RateTier::None)
        .onAnyEventLoop();
    router
        .get(QStringLiteral("/assets/{version}/{file}"),
            [this](const ExchangePtr &ex) { asset(ex); })
        .withTier(RateTier::None)
        .onAnyEventLoop();
}

void WebClientController::index(const ExchangePtr &ex)
{
    if (m_index.isEmpty())
        throw ApiError(ApiError::Code::NotFound, QStringLiteral("The web client is not built in"));
    HttpResponse r;
    r.contentType = "text/html; charset=utf-8";
    r.body = m_index;
    r.setHeader("Cache-Control", "no-cache");
    r.setHeader("ETag", m_indexEtag);
    r.setHeader("Content-Security-Policy", m_csp);
    ex->respond(std::move(r));
}

void WebClientController::asset(const ExchangePtr &ex)
{
    const QString version = ex->request().params.value(QStringLiteral("version"));
    const QString file = ex->request().params.value(QStringLiteral("file"));
    const auto it = m_assets.constFind(file);
    if (version.toLatin1() != m_version || it == m_assets.constEnd())
        throw ApiError(ApiError::Code::NotFound,
            QStringLiteral("No such file of the web client: %1").arg(ex->request().path));
    HttpResponse r;
    r.contentType = it->contentType;
    r.body = it->body;
    r.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    r.setHeader("ETag",
        '"' + QCryptographicHash::hash(it->body, QCryptographicHash::Sha256).toHex().left(16)
            + '"');
    ex->respond(std::move(r));
}

} // namespace marquee
