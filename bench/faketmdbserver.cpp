// A fake TMDB on a port of its own, for benchmarks: `marquee_fake_tmdb <delay-ms> [api-key]`.
// Prints "port N" once listening, then "calls N" every second.
#include "support/faketmdb.h"

#include <QCoreApplication>
#include <QTimer>

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
    std::printf("port %d\n", fake.port());
    std::fflush(stdout);
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, [&fake] {
        std::printf("calls %d\n", fake.callCount());
        std::fflush(stdout);
    });
    report.start(1000);
    return app.exec();
}
