#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace marquee {

// What the user asked for on the command line. Parsed by hand (before any QCoreApplication
// exists) because whether a window may open decides which application object to create.
struct CommandLine
{
    QStringList command; // e.g. {"migrate", "status"}; empty = serve
    QHash<QString, QString> settings; // flags turned into configuration variables
    QString envFile = QStringLiteral(".env");
    bool headless = false;
    QString language; // --lang: the window's language (de, fr_CA, ...); empty: the system's
    bool help = false;
    bool version = false;
    bool yes = false;
    bool images = false; // cache clear --images
    QString from; // import --from: the original backend's database URL
    QString error; // non-empty: usage error, one line

    static CommandLine parse(const QStringList &args);
    static QString usage();
};

} // namespace marquee
