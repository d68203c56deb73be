#include "tmdbclient.h"

#include "config/version.h"
#include "log/categories.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QUrlQuery>

#include <cmath>

namespace marquee {

TmdbClient::TmdbClient(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    for (int i = 0; i < qMax(1, m_options.managers); ++i) {
        auto *nam = new QNetworkAccessManager(this);
        nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
        m_managers.push_back(nam);
    }
    m_clock.start();
    m_tokens = m_options.ratePerSecond;
    m_pumpTimer.setSingleShot(true);
    connect(&m_pumpTimer, &QTimer::timeout, this, &TmdbClient::pump);
}

TmdbClient::~TmdbClient() = default;

bool TmdbClient::isV3Key(const QString &key)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-fA-F]{32}$"));
    return re.match(key).hasMatch();
}

void TmdbClient::get(const UpstreamRequest &request, Callback done)
{
    // The throttle's queue is bounded, and a request does not wait in it longer than it would
    // wait for TMDB itself: a flood of misses cannot make everyone else wait without end.
    if (int(m_queue.size()) >= kMaxQueued) {
        UpstreamResult r;
        r.kind = UpstreamResult::Kind::Timeout;
        r.detail = QStringLiteral("upstream queue full");
        done(r);
        return;
    }
    m_queue.push_back(Pending {request, std::move(done), 0, m_clock.elapsed()});
    pump();
}

void TmdbClient::pump()
{
    const qint64 now = m_clock.elapsed();
    const double rate = m_options.ratePerSecond;
    m_tokens = qMin(rate, m_tokens + (now - m_lastRefillMs) * rate / 1000.0);
    m_lastRefillMs = now;
    while (!m_queue.empty() && m_tokens >= 1.0) {
        m_tokens -= 1.0;
        Pending p = std::move(m_queue.front());
        m_queue.pop_front();
        if (now - p.queuedAtMs > m_options.timeoutMs) {
            m_tokens += 1.0; // nothing was sent
            UpstreamResult r;
            r.kind = UpstreamResult::Kind::Timeout;
            r.detail = QStringLiteral("waited %1 ms for the throttle").arg(now - p.queuedAtMs);
            p.done(r);
            continue;
        }
        send(std::move(p));
    }
    if (!m_queue.empty() && !m_pumpTimer.isActive())
        m_pumpTimer.start(qMax(1, int(std::ceil((1.0 - m_tokens) * 1000.0 / rate))));
}

void TmdbClient::send(Pending pending)
{
    QUrl url(m_options.baseUrl + pending.request.path);
    QUrlQuery query;
    for (const auto &[name, value] : std::as_const(pending.request.params))
        query.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value, ",")));
    const bool v3 = isV3Key(m_options.apiKey);
    if (v3)
        query.addQueryItem(QStringLiteral("api_key"), m_options.apiKey);
    url.setQuery(query);

    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "Marquee/" MARQUEE_VERSION);
    if (!v3)
        req.setRawHeader("Authorization", "Bearer " + m_options.apiKey.toUtf8());

    QNetworkAccessManager *nam = m_managers[m_next++ % m_managers.size()];
    QNetworkReply *reply = nam->get(req);
    ++m_inFlight;
    ++m_calls;
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, reply, [reply] {
        reply->setProperty("marqueeTimedOut", true);
        reply->abort();
    });
    deadline->start(m_options.timeoutMs);

    auto shared = std::make_shared<Pending>(std::move(pending));
    connect(reply, &QNetworkReply::finished, this, [this, reply, shared] {
        --m_inFlight;
        reply->deleteLater();
        UpstreamResult r;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.status = status;
        int retryAfter = -1;
        if (reply->property("marqueeTimedOut").toBool()) {
            r.kind = UpstreamResult::Kind::Timeout;
            r.detail = QStringLiteral("no answer within %1 ms").arg(m_options.timeoutMs);
        } else if (status == 0) {
            r.kind = UpstreamResult::Kind::NetworkError;
            r.detail = QStringLiteral("network error %1")
                           .arg(int(reply->error())); // errorString() holds the URL
        } else {
            r.body = reply->readAll();
            if (status >= 200 && status < 300) {
                r.kind = UpstreamResult::Kind::Ok;
            } else if (status == 404) {
                r.kind = UpstreamResult::Kind::NotFound;
            } else if (status == 401) {
                r.kind = UpstreamResult::Kind::KeyRejected;
            } else if (status == 429) {
                r.kind = UpstreamResult::Kind::RateLimited;
                bool ok = false;
                retryAfter = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
                if (!ok)
                    retryAfter = -1;
            } else {
                r.kind = UpstreamResult::Kind::ServerError;
            }
            if (r.kind != UpstreamResult::Kind::Ok)
                r.detail = QStringLiteral("HTTP %1").arg(status);
        }
        finish(*shared, std::move(r), retryAfter);
    });
}

void TmdbClient::finish(Pending &pending, UpstreamResult result, int retryAfterSeconds)
{
    if (result.kind == UpstreamResult::Kind::RateLimited
        && pending.attempt < m_options.maxRetries) {
        // Honour Retry-After, at least an exponential backoff, at most 30 s.
        const int backoffMs = 500 * (1 << pending.attempt);
        const int waitMs
            = qBound(backoffMs, retryAfterSeconds >= 0 ? retryAfterSeconds * 1000 : 0, 30000);
        qCWarning(lcTmdb).noquote() << QStringLiteral("TMDB rate limit on %1; retrying in %2 ms")
                                           .arg(pending.request.path)
                                           .arg(waitMs);
        Pending again {pending.request, std::move(pending.done), pending.attempt + 1, 0};
        QTimer::singleShot(waitMs, this, [this, again = std::move(again)]() mutable {
            again.queuedAtMs = m_clock.elapsed();
            m_queue.push_front(std::move(again));
            pump();
        });
        return;
    }
    if (result.kind != UpstreamResult::Kind::Ok && result.kind != UpstreamResult::Kind::NotFound)
        qCWarning(lcTmdb).noquote()
            << QStringLiteral("TMDB %1 failed: %2").arg(pending.request.path, result.detail);
    pending.done(result);
}

} // namespace marquee
