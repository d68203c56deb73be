#pragma once

#include "controller.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace marquee {

// The built-in web client (resources/web/, compiled into the binary; docs/api.md, "Web client"):
// `/` answers index.html, `/assets/{version}/{file}` its scripts, styles and icons. `version` is
// a hash of every file of the client, so an asset URL names one content for good and is cached
// for a year (`immutable`); index.html, which names the version, is revalidated each time
// (`no-cache`, ETag). Neither is under /api nor rate limited.
//
// Every HTML answer carries a Content-Security-Policy without 'unsafe-inline' for scripts:
// scripts from this server only, plus Clerk's frontend API (the host a publishable key encodes)
// when CLERK_PUBLISHABLE_KEY is set.
class WebClientController : public Controller
{
public:
    // `publishableKey`: CLERK_PUBLISHABLE_KEY, empty when Clerk's sign-in is not offered.
    // publicUrl: MARQUEE_PUBLIC_URL (the image cache's URLs start with it); its origin may show
    // images on the client's pages.
    explicit WebClientController(const QString &publishableKey, const QString &publicUrl = {});
    void registerRoutes(Router &router) override;

    // The host of Clerk's frontend API a publishable key (`pk_test_...` / `pk_live_...`, then
    // base64 of "<host>$") names; empty when the key is not of that form.
    static QString frontendApiHost(const QString &publishableKey);

    const QByteArray &version() const { return m_version; }
    const QByteArray &contentSecurityPolicy() const { return m_csp; }

private:
    void index(const ExchangePtr &ex);
    void asset(const ExchangePtr &ex);

    struct Asset
    {
        QByteArray body;
        QByteArray contentType;
    };
    QHash<QString, Asset> m_assets; // by file name
    QByteArray m_version; // 12 hex digits
    QByteArray m_index; // index.html with the version and the Clerk settings filled in
    QByteArray m_indexEtag;
    QByteArray m_csp;
};

} // namespace marquee
