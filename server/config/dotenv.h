#pragma once

#include <QHash>
#include <QString>

namespace marquee {

// Parses dotenv text as the Node `dotenv` package does: KEY=VALUE lines, optional `export `,
// `#` comments (whole line, or after an unquoted value), single quotes literal, double quotes with
// \n escapes, values spanning lines inside quotes. Malformed lines are skipped; *badLine gets the
// first one (1-based) when given.
QHash<QString, QString> parseDotenv(const QString &text, int *badLine = nullptr);

} // namespace marquee
