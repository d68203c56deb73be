// A fake TMDB on a port of its own, for benchmarks: `marquee_fake_tmdb <delay-ms> [api-key]`.
// Prints "port N" once listening, then "calls N" every second.
// Environment, for bench/warmup.sh: FAKE_TMDB_REPORT_MS (default 1000) prints "calls N" that
// often instead; FAKE_TMDB_LOG_REQUESTS=1 also prints "request <ms since start> <path>?<query>"
// (without the api_key) for each request as it arrives.
#include "support/faketmdb.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <QUrlQuery>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    marquee::test::FakeTmdb fake(QStringLiteral(MARQUEE_TMDB_SPEC));
    if (!fake.start()) {
        std::fprintf(stderr, "fake tmdb: %s\n", qPrintable(fake.errorString()));
        return 1;
    }
    fake.setDelay(args.value(1, QStringLiteral("300")).toInt());
    if (args.size() > 2)
        fake.setApiKey(args.at(2));
    QElapsedTimer clock;
    clock.start();
    if (qEnvironmentVariableIntValue("FAKE_TMDB_LOG_REQUESTS") == 1) {
        QObject::connect(&fake, &marquee::test::FakeTmdb::requestReceived, [&fake, &clock] {
            const QList<marquee::test::FakeTmdb::Request> requests = fake.requests();
            if (requests.isEmpty())
                return;
            const marquee::test::FakeTmdb::Request &r = requests.constLast();
            QUrlQuery query = r.query;
            query.removeAllQueryItems(QStringLiteral("api_key"));
            const QString q = query.toString(QUrl::FullyDecoded);
            std::printf("request %lld %s%s%s\n", static_cast<long long>(clock.elapsed()),
                qPrintable(r.path), q.isEmpty() ? "" : "?", qPrintable(q));
            std::fflush(stdout);
        });
    }
    std::printf("port %d\n", fake.port());
    std::fflush(stdout);
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, [&fake] {
        std::printf("calls %d\n", fake.callCount());
        std::fflush(stdout);
    });
    const int every = qEnvironmentVariableIntValue("FAKE_TMDB_REPORT_MS");
    report.start(every > 0 ? every : 1000);
    return app.exec();
}
