#pragma once

#include "fakehttpserver.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <memory>

namespace marquee::test {

// An in-process TMDB for tests, built from TMDB's own OpenAPI document and its example
// responses. It runs on the caller's event loop (never blocks), so the server under test and
// the fake can share one thread. Besides answering, it checks every request against the spec and
// records what TMDB would not recognise, so tests can assert that violations() stays empty.
class FakeTmdb : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeTmdb)

public:
    // path is percent-decoded and without the query, e.g. "/3/movie/550"; headers are as sent.
    using Request = FakeHttpServer::Request;

    // The spec is parsed once per process and path, however many fakes are created.
    explicit FakeTmdb(const QString &specPath, QObject *parent = nullptr);
    ~FakeTmdb() override;

    // Listens on 127.0.0.1 with a free port; false (see errorString()) if the spec could not be
    // loaded or the socket could not be bound.
    bool start();
    QString errorString() const;
    quint16 port() const;
    QString baseUrl() const; // "http://127.0.0.1:<port>/3", for TMDB_BASE_URL

    // Accepted both as ?api_key=<key> and as "Authorization: Bearer <key>". Starts as
    // defaultApiKey(); an empty key turns the check off.
    void setApiKey(const QString &key);
    QString apiKey() const;
    static QString defaultApiKey();

    // Failure knobs. Precedence: drop > hang > failNext > authentication > setResponse >
    // setNotFound > the spec's example.
    void setDelay(int ms);
    void setHang(bool hang); // turning it off answers the parked requests
    void failNext(int count, int status, int retryAfterSeconds = -1);
    void setNotFound(const QString &path);
    void setResponse(const QString &path, int status, const QByteArray &body);
    void setDropConnections(bool drop);

    int callCount() const;
    int callCount(const QString &pathPrefix) const;
    QList<Request> requests() const;
    void resetCounters(); // forgets requests, not violations

    // One human-readable line per request TMDB's spec does not allow (unknown path or query
    // parameter, value outside an enum, wrong type, missing required parameter, ...).
    QStringList violations() const;
    void clearViolations();

    int connectionCount() const; // TCP connections accepted, to prove keep-alive

    // Where the fake departs from the spec's letter: paths answered with a placeholder for lack
    // of an example, path parameters typed string in one place and integer elsewhere.
    QStringList specNotes() const;

signals:
    void requestReceived(const QString &path);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace marquee::test
