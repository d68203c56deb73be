#include "logformatter.h"

#include "categories.h"
#include "timeformat.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace marquee {

LogFormatter::LogFormatter()
{
    // Header values, bearer tokens, JWTs and secret-looking query parameters.
    m_patterns = {
        QRegularExpression(
            QStringLiteral(
                R"((authorization|cookie|set-cookie|x-api-key)(["']?\s*[:=]\s*["']?)[^"'\r\n,}]+)"),
            QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(QStringLiteral(R"(\b(bearer)(\s+)[A-Za-z0-9._~+/=-]+)"),
            QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(
            QStringLiteral(
                R"(\b(api_key|apikey|access_token|token|secret|password|client_secret)(=)[^&\s"']+)"),
            QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(
            QStringLiteral(R"(()()eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)")),
        QRegularExpression(QStringLiteral(R"(()()\b(sk|whsec)_[A-Za-z0-9_+/=-]{8,})")),
    };
}

void LogFormatter::addSecret(const QString &secret)
{
    if (secret.size() < 4)
        return;
    QMutexLocker lock(&m_mutex);
    if (!m_secrets.contains(secret))
        m_secrets.append(secret);
}

QString LogFormatter::redactSecrets(QString text) const
{
    QMutexLocker lock(&m_mutex);
    for (const QString &s : m_secrets)
        text.replace(s, QLatin1String("[REDACTED]"));
    return text;
}

QString LogFormatter::redact(QString text) const
{
    text = redactSecrets(std::move(text));
    for (const auto &re : m_patterns)
        text.replace(re, QStringLiteral("\\1\\2[REDACTED]"));
    return text;
}

// A path as an access line may show it: configured secrets and anything shaped like a JWT are
// replaced (a client may put either in a path), control characters become '?'.
QString LogFormatter::accessPath(const QString &path) const
{
    QString clean = redactSecrets(path);
    if (clean.contains(QLatin1String("eyJ"))) { // the base64url of '{"': a JWT's first part
        static const QRegularExpression jwt(
            QStringLiteral("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]*)?"));
        clean.replace(jwt, QStringLiteral("[REDACTED]"));
    }
    const auto isControl = [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; };
    // Looked for before writing: iterating for writing would copy every path, the usual one
    // without control characters too.
    if (std::any_of(clean.cbegin(), clean.cend(), isControl)) {
        for (QChar &c : clean) {
            if (isControl(c))
                c = QLatin1Char('?'); // a decoded %0A must not forge a log line
        }
    }
    return clean;
}

LogRecord LogFormatter::qtRecord(
    const QString &level, const QString &category, const QString &message) const
{
    return LogRecord {QDateTime::currentDateTimeUtc(), level, category, redact(message), {}};
}

LogRecord LogFormatter::accessRecord(const AccessRecord &r) const
{
    static const QString info = QStringLiteral("info");
    static const QString category = QString::fromLatin1(lcAccess().categoryName());
    AccessRecord clean = r;
    clean.path = accessPath(r.path);
    // The hot path (one line per request): no regular expressions (the line holds the method,
    // the cleaned path, numbers and our own request id).
    char numbers[96];
    const int n = std::snprintf(numbers, sizeof numbers, " %d %.2fms %lldB rid=", r.status,
        r.durationMs, static_cast<long long>(r.bytes));
    QString message;
    message.reserve(clean.path.size() + r.requestId.size() + 96);
    message.append(QString::fromUtf8(r.method))
        .append(QLatin1Char(' '))
        .append(clean.path)
        .append(QLatin1String(numbers, n))
        .append(QString::fromUtf8(r.requestId));
    if (r.userId > 0)
        message.append(QLatin1String(" user=")).append(QString::number(r.userId));
    if (r.clientGone)
        message.append(QLatin1String(" client-gone"));
    return LogRecord {QDateTime::currentDateTimeUtc(), info, category, message, std::move(clean)};
}

namespace {

// A QString as UTF-8, without a temporary for the usual all-ASCII text.
void appendUtf8(QByteArray &out, const QString &text)
{
    const qsizetype start = out.size();
    out.resize(start + text.size());
    char *to = out.data() + start;
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {
            out.resize(start);
            out.append(text.toUtf8());
            return;
        }
        *to++ = char(c.unicode());
    }
}

template<typename T> void appendNumber(QByteArray &out, T value)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, r.ptr - buf);
}

} // namespace

void LogFormatter::appendAccessLine(QByteArray &out, const AccessRecord &r, qint64 ms) const
{
    char stamp[24];
    if (format() == LogFormat::Json || !isoUtcInto(stamp, ms)) {
        LogRecord record = accessRecord(r);
        record.time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        out.append(format(record));
        return;
    }
    // What format(accessRecord(r)) writes in the text format, byte for byte: the method and the
    // request id are ASCII tokens, "%.2f" is what std::to_chars writes with precision 2.
    static const QByteArray prefix
        = QByteArrayLiteral(" INFO    ") + lcAccess().categoryName() + ' ';
    out.append(stamp, sizeof stamp).append(prefix).append(r.method).append(' ');
    appendUtf8(out, accessPath(r.path));
    out.append(' ');
    appendNumber(out, r.status);
    out.append(' ');
    char buf[64];
    const auto d = std::to_chars(buf, buf + sizeof buf, r.durationMs, std::chars_format::fixed, 2);
    out.append(buf, d.ec == std::errc() ? d.ptr - buf : 0).append("ms ");
    appendNumber(out, static_cast<long long>(r.bytes));
    out.append("B rid=").append(r.requestId);
    if (r.userId > 0) {
        out.append(" user=");
        appendNumber(out, r.userId);
    }
    if (r.clientGone)
        out.append(" client-gone");
    out.append('\n');
}

// "INFO   ": the text format's level column (the known levels without a conversion per line).
static QByteArray levelColumn(const QString &level)
{
    static const QList<std::pair<QString, QByteArray>> known {{QStringLiteral("info"), "INFO   "},
        {QStringLiteral("debug"), "DEBUG  "}, {QStringLiteral("warning"), "WARNING"},
        {QStringLiteral("error"), "ERROR  "}, {QStringLiteral("fatal"), "FATAL  "}};
    for (const auto &[name, column] : known) {
        if (level == name)
            return column;
    }
    return level.toUpper().leftJustified(7).toUtf8();
}

QByteArray LogFormatter::format(const LogRecord &record) const
{
    const QString stamp = isoUtc(record.time.toMSecsSinceEpoch());
    QByteArray line;
    if (format() == LogFormat::Json) {
        QJsonObject o {{"time", stamp}, {"level", record.level}, {"category", record.category}};
        if (const auto &a = record.access) {
            // "msg" is the short form; the numbers are fields of their own.
            o.insert("msg",
                redactSecrets(QStringLiteral("%1 %2 %3")
                                  .arg(QString::fromLatin1(a->method), a->path)
                                  .arg(a->status)));
            o.insert("method", QString::fromLatin1(a->method));
            o.insert("path", a->path);
            o.insert("status", a->status);
            o.insert("durationMs", qRound(a->durationMs * 100) / 100.0);
            o.insert("bytes", a->bytes);
            o.insert("requestId", QString::fromLatin1(a->requestId));
            if (a->userId > 0)
                o.insert("userId", a->userId);
            if (a->clientGone)
                o.insert("clientGone", true);
        } else {
            o.insert("msg", record.message);
        }
        line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    } else {
        const QByteArray message = record.message.toUtf8();
        line.reserve(stamp.size() + record.category.size() + message.size() + 12);
        line.append(stamp.toLatin1())
            .append(' ')
            .append(levelColumn(record.level))
            .append(' ')
            .append(record.category.toUtf8())
            .append(' ')
            .append(message);
    }
    line.append('\n');
    return line;
}

} // namespace marquee
