#pragma once

#include "upstream.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <vector>

class QNetworkAccessManager;

namespace marquee {

// TMDB over QNetworkAccessManager. Every request passes one shared throttle (a token bucket at
// MARQUEE_TMDB_RATE requests/s); 429 answers are retried after Retry-After with backoff; each
// request has a deadline. QNAM allows 6 HTTP/1.1 connections per host, too few for 40 req/s
// against a 300 ms upstream, so requests are spread over a few managers (and HTTP/2 is allowed).
class TmdbClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString baseUrl;
        QString apiKey;
        int timeoutMs = 10000;
        int ratePerSecond = 40;
        int maxRetries = 3;
        int managers = 4;
    };
    using Callback = std::function<void(const UpstreamResult &)>;

    explicit TmdbClient(Options options, QObject *parent = nullptr);
    ~TmdbClient() override;
    Q_DISABLE_COPY_MOVE(TmdbClient)

    void get(const UpstreamRequest &request, Callback done);

    // A v3 key is 32 hex characters (sent as api_key); anything else is a v4 read token (Bearer).
    static bool isV3Key(const QString &key);
    int inFlight() const { return m_inFlight; }
    int queued() const { return int(m_queue.size()); }
    quint64 calls() const { return m_calls; }

private:
    struct Pending
    {
        UpstreamRequest request;
        Callback done;
        int attempt = 0;
        qint64 queuedAtMs = 0;
    };
    static constexpr int kMaxQueued = 2000;
    void pump();
    void send(Pending pending);
    void finish(Pending &pending, UpstreamResult result, int retryAfterSeconds);

    Options m_options;
    std::vector<QNetworkAccessManager *> m_managers;
    size_t m_next = 0;
    std::deque<Pending> m_queue;
    QTimer m_pumpTimer;
    QElapsedTimer m_clock;
    double m_tokens = 0;
    qint64 m_lastRefillMs = 0;
    int m_inFlight = 0;
    quint64 m_calls = 0;
};

} // namespace marquee
