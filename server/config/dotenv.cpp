#include "dotenv.h"

#include <QRegularExpression>

namespace marquee {

QHash<QString, QString> parseDotenv(const QString &text, int *badLine)
{
    QHash<QString, QString> out;
    static const QRegularExpression keyRe(
        QStringLiteral(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*)"));
    const QString src = QString(text).replace(QLatin1String("\r\n"), QLatin1String("\n"));
    int pos = 0;
    int line = 1;
    if (badLine)
        *badLine = 0;
    while (pos < src.size()) {
        int eol = src.indexOf(QLatin1Char('\n'), pos);
        if (eol < 0)
            eol = src.size();
        const QString current = src.mid(pos, eol - pos);
        const QString trimmed = current.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#'))) {
            pos = eol + 1;
            ++line;
            continue;
        }
        const auto m = keyRe.match(current);
        if (!m.hasMatch()) {
            if (badLine && *badLine == 0)
                *badLine = line;
            pos = eol + 1;
            ++line;
            continue;
        }
        const QString key = m.captured(1);
        int v = pos + m.capturedLength(0);
        QString value;
        const QChar q = v < src.size() ? src.at(v) : QChar();
        if (q == QLatin1Char('"') || q == QLatin1Char('\'') || q == QLatin1Char('`')) {
            const int close = src.indexOf(q, v + 1);
            if (close < 0) { // unterminated: take the rest of the line literally
                value = src.mid(v, eol - v).trimmed();
            } else {
                value = src.mid(v + 1, close - v - 1);
                line += int(value.count(QLatin1Char('\n')));
                if (q == QLatin1Char('"'))
                    value.replace(QLatin1String("\\n"), QLatin1String("\n"))
                        .replace(QLatin1String("\\r"), QLatin1String("\r"));
                eol = src.indexOf(QLatin1Char('\n'), close);
                if (eol < 0)
                    eol = src.size();
            }
        } else {
            value = src.mid(v, eol - v);
            const int hash = value.indexOf(QLatin1String(" #"));
            if (hash >= 0)
                value = value.left(hash);
            value = value.trimmed();
        }
        out.insert(key, value);
        pos = eol + 1;
        ++line;
    }
    return out;
}

} // namespace marquee
