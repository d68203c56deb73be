#include "logger.h"

#include "categories.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

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

QString Logger::redact(QString text) const
{
    {
        QMutexLocker lock(&m_mutex);
        for (const QString &s : m_secrets)
            text.replace(s, QLatin1String("[REDACTED]"));
    }
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

void Logger::write(
    const QString &level, const QString &category, const QString &message, const QString &jsonExtra)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString clean = redact(message);
    QByteArray line;
    if (m_format == LogFormat::Json) {
        QJsonObject o {{"time", now.toString(Qt::ISODateWithMs)}, {"level", level},
            {"category", category}, {"msg", clean}};
        if (!jsonExtra.isEmpty()) {
            const QJsonObject extra = QJsonDocument::fromJson(jsonExtra.toUtf8()).object();
            for (auto it = extra.begin(); it != extra.end(); ++it)
                o.insert(it.key(), it.value());
        }
        line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    } else {
        line = QStringLiteral("%1 %2 %3 %4")
                   .arg(now.toString(Qt::ISODateWithMs), level.toUpper().leftJustified(7), category,
                       clean)
                   .toUtf8();
    }
    line.append('\n');
    {
        QMutexLocker lock(&m_mutex);
        std::fwrite(line.constData(), 1, size_t(line.size()), m_out);
        std::fflush(m_out);
    }
    m_buffer.append(LogEntry {0, now, level, category, clean});
}

void Logger::logAccess(const AccessRecord &r)
{
    if (!lcAccess().isInfoEnabled())
        return;
    QString text = QStringLiteral("%1 %2 %3 %4ms %5B rid=%6")
                       .arg(QString::fromLatin1(r.method), r.path)
                       .arg(r.status)
                       .arg(r.durationMs, 0, 'f', 2)
                       .arg(r.bytes)
                       .arg(QString::fromLatin1(r.requestId));
    if (r.userId > 0)
        text += QStringLiteral(" user=%1").arg(r.userId);
    if (r.clientGone)
        text += QStringLiteral(" client-gone");
    QString extra;
    if (m_format == LogFormat::Json) {
        QJsonObject o {{"method", QString::fromLatin1(r.method)}, {"path", redact(r.path)},
            {"status", r.status}, {"durationMs", qRound(r.durationMs * 100) / 100.0},
            {"bytes", r.bytes}, {"requestId", QString::fromLatin1(r.requestId)}};
        if (r.userId > 0)
            o.insert("userId", r.userId);
        extra = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    write(QStringLiteral("info"), QString::fromLatin1(lcAccess().categoryName()), text, extra);
}

} // namespace marquee
