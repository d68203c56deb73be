#include "logger.h"

#include "categories.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

#include <cstdio>

namespace marquee {

Logger &Logger::instance()
{
    static Logger logger;
    return logger;
}

Logger::Logger()
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

bool parseLogLevel(const QString &text, LogLevel *level)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("debug"))
        *level = LogLevel::Debug;
    else if (t == QLatin1String("info"))
        *level = LogLevel::Info;
    else if (t == QLatin1String("warning") || t == QLatin1String("warn"))
        *level = LogLevel::Warning;
    else if (t == QLatin1String("error"))
        *level = LogLevel::Error;
    else
        return false;
    return true;
}

void Logger::install(LogFormat format, LogLevel level)
{
    m_format = format;
    setLevel(level);
    qInstallMessageHandler(&Logger::messageHandler);
    // Access lines are written in batches (one write per ~100 ms under load, not one per request).
    if (auto *app = QCoreApplication::instance();
        app && !app->findChild<QTimer *>(QStringLiteral("marquee-log-flush"))) {
        auto *timer = new QTimer(app);
        timer->setObjectName(QStringLiteral("marquee-log-flush"));
        QObject::connect(timer, &QTimer::timeout, [] { Logger::instance().flush(); });
        timer->start(100);
    }
}

void Logger::setOutput(FILE *out)
{
    flush();
    QMutexLocker lock(&m_mutex);
    m_out = out;
}

void Logger::flush()
{
    QMutexLocker lock(&m_mutex);
    if (m_pending.isEmpty())
        return;
    std::fwrite(m_pending.constData(), 1, size_t(m_pending.size()), m_out);
    std::fflush(m_out);
    m_pending.clear();
}

void Logger::setLevel(LogLevel level)
{
    QString rules = QStringLiteral("qt.*.debug=false\n");
    switch (level) {
    case LogLevel::Debug:
        rules += QStringLiteral("marquee.*.debug=true\n");
        break;
    case LogLevel::Error:
        rules += QStringLiteral("*.warning=false\n");
        Q_FALLTHROUGH();
    case LogLevel::Warning:
        rules += QStringLiteral("*.info=false\n");
        Q_FALLTHROUGH();
    case LogLevel::Info:
        rules += QStringLiteral("*.debug=false\n");
        break;
    }
    QLoggingCategory::setFilterRules(rules);
}

void Logger::addSecret(const QString &secret)
{
    if (secret.size() < 4)
        return;
    QMutexLocker lock(&m_mutex);
    if (!m_secrets.contains(secret))
        m_secrets.append(secret);
}

QString Logger::redactSecrets(QString text) const
{
    QMutexLocker lock(&m_mutex);
    for (const QString &s : m_secrets)
        text.replace(s, QLatin1String("[REDACTED]"));
    return text;
}

QString Logger::timestamp(const QDateTime &now)
{
    const qint64 ms = now.toMSecsSinceEpoch();
    if (ms != m_stampMs) {
        m_stampMs = ms;
        m_stamp = now.toString(Qt::ISODateWithMs);
    }
    return m_stamp;
}

QString Logger::redact(QString text) const
{
    text = redactSecrets(std::move(text));
    for (const auto &re : m_patterns)
        text.replace(re, QStringLiteral("\\1\\2[REDACTED]"));
    return text;
}

static QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

void Logger::messageHandler(
    QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString category
        = context.category ? QString::fromLatin1(context.category) : QStringLiteral("default");
    instance().write(levelName(type), category, message);
}

void Logger::write(const QString &level, const QString &category, const QString &message,
    const QString &jsonExtra, bool batched)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Access lines are built from the method, the path (never the query) and numbers: only
    // configured secrets need replacing there, not the header/token patterns.
    const QString clean = batched ? redactSecrets(message) : redact(message);
    QString stamp;
    {
        QMutexLocker lock(&m_mutex);
        stamp = timestamp(now);
    }
    QByteArray line;
    if (m_format == LogFormat::Json) {
        QJsonObject o {{"time", stamp}, {"level", level}, {"category", category}, {"msg", clean}};
        if (!jsonExtra.isEmpty()) {
            const QJsonObject extra = QJsonDocument::fromJson(jsonExtra.toUtf8()).object();
            for (auto it = extra.begin(); it != extra.end(); ++it)
                o.insert(it.key(), it.value());
        }
        line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    } else {
        line = QStringLiteral("%1 %2 %3 %4")
                   .arg(stamp, level.toUpper().leftJustified(7), category, clean)
                   .toUtf8();
    }
    line.append('\n');
    {
        QMutexLocker lock(&m_mutex);
        if (batched) {
            m_pending.append(line);
            if (m_pending.size() < 32 * 1024)
                line.clear();
            else
                line = std::exchange(m_pending, QByteArray());
        } else if (!m_pending.isEmpty()) {
            line.prepend(std::exchange(m_pending, QByteArray())); // keep the order of lines
        }
        if (!line.isEmpty()) {
            std::fwrite(line.constData(), 1, size_t(line.size()), m_out);
            std::fflush(m_out);
        }
    }
    m_buffer.append(LogEntry {0, now, level, category, clean});
}

// A path as an access line may show it: configured secrets and anything shaped like a JWT are
// replaced (a client may put either in a path), control characters become '?'.
QString Logger::accessPath(const QString &path) const
{
    QString clean = redactSecrets(path);
    if (clean.contains(QLatin1String("eyJ"))) { // the base64url of '{"': a JWT's first part
        static const QRegularExpression jwt(
            QStringLiteral("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]*)?"));
        clean.replace(jwt, QStringLiteral("[REDACTED]"));
    }
    for (QChar &c : clean) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char('?'); // a decoded %0A must not forge a log line
    }
    return clean;
}

void Logger::logAccess(const AccessRecord &r)
{
    if (!lcAccess().isInfoEnabled())
        return;
    const QString cleanPath = accessPath(r.path);
    if (m_format == LogFormat::Json) {
        QString text = QStringLiteral("%1 %2 %3")
                           .arg(QString::fromLatin1(r.method), cleanPath)
                           .arg(r.status);
        QJsonObject o {{"method", QString::fromLatin1(r.method)}, {"path", cleanPath},
            {"status", r.status}, {"durationMs", qRound(r.durationMs * 100) / 100.0},
            {"bytes", r.bytes}, {"requestId", QString::fromLatin1(r.requestId)}};
        if (r.userId > 0)
            o.insert("userId", r.userId);
        if (r.clientGone)
            o.insert("clientGone", true);
        write(QStringLiteral("info"), QString::fromLatin1(lcAccess().categoryName()), text,
            QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)), true);
        return;
    }
    // The hot path (one line per request): bytes assembled directly, no regular expressions (the
    // line holds the method, the path without its query, numbers and our own request id).
    static const QString info = QStringLiteral("info");
    static const QString category = QString::fromLatin1(lcAccess().categoryName());
    char numbers[96];
    const int n = std::snprintf(numbers, sizeof numbers, " %d %.2fms %lldB rid=", r.status,
        r.durationMs, static_cast<long long>(r.bytes));
    QByteArray message;
    message.reserve(r.path.size() + r.requestId.size() + 96);
    const QByteArray path = cleanPath.toUtf8();
    message.append(r.method).append(' ').append(path).append(numbers, n).append(r.requestId);
    if (r.userId > 0)
        message.append(" user=").append(QByteArray::number(r.userId));
    if (r.clientGone)
        message.append(" client-gone");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QByteArray line;
    {
        QMutexLocker lock(&m_mutex);
        line.reserve(message.size() + 64);
        line.append(timestamp(now).toLatin1())
            .append(" INFO    marquee.access ")
            .append(message)
            .append('\n');
        m_pending.append(line);
        if (m_pending.size() >= 32 * 1024) {
            std::fwrite(m_pending.constData(), 1, size_t(m_pending.size()), m_out);
            std::fflush(m_out);
            m_pending.clear();
        }
    }
    m_buffer.append(LogEntry {0, now, info, category, QString::fromUtf8(message)});
}

} // namespace marquee
