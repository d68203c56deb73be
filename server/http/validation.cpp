#include "validation.h"

#include "apierror.h"
#include "log/text.h"
#include "log/timeformat.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <cmath>

namespace marquee {

void Problems::add(const QString &field, const QString &issue, const QString &message)
{
    if (m_details.isEmpty())
        m_firstMessage = message;
    m_details.append(QJsonObject {{"field", field}, {"issue", issue}});
}

void Problems::throwIfAny() const
{
    if (m_details.isEmpty())
        return;
    throw ApiError(ApiError::Code::ValidationError, m_firstMessage, m_details);
}

QJsonObject parseJsonObjectBody(const HttpRequest &request)
{
    const QByteArray type = request.header("Content-Type").split(';').first().trimmed().toLower();
    if (type != "application/json")
        throw ApiError(ApiError::Code::UnsupportedMediaType,
            QStringLiteral("Request body must be sent with Content-Type: application/json"));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError)
        throw ApiError(ApiError::Code::InvalidJson,
            QStringLiteral("Request body is not valid JSON (%1 at offset %2)")
                .arg(err.errorString())
                .arg(err.offset));
    if (!doc.isObject())
        throw ApiError(
            ApiError::Code::InvalidJson, QStringLiteral("Request body must be a JSON object"));
    return doc.object();
}

// ---- JsonFields

JsonFields::JsonFields(QJsonObject object)
    : m_object(std::move(object))
{ }

void JsonFields::allowOnly(std::initializer_list<const char *> names)
{
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        bool known = false;
        for (const char *n : names)
            known = known || it.key() == QLatin1String(n);
        if (!known)
            m_problems.add(it.key(), QStringLiteral("unknown_field"),
                QStringLiteral("Unknown field \"%1\"").arg(it.key().left(64)));
    }
}

static bool checkPresent(const QJsonObject &o, const char *name, bool required, Problems &p)
{
    if (o.contains(QLatin1String(name)))
        return true;
    if (required)
        p.add(QLatin1String(name), QStringLiteral("required"),
            QStringLiteral("%1 is required").arg(QLatin1String(name)));
    return false;
}

std::optional<QString> JsonFields::string(
    const char *name, bool required, int minLength, int maxLength, bool nullable)
{
    if (!checkPresent(m_object, name, required, m_problems))
        return std::nullopt;
    const QJsonValue v = m_object.value(QLatin1String(name));
    if (v.isNull() && nullable)
        return QString();
    if (!v.isString()) {
        m_problems.add(QLatin1String(name), QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be a string").arg(QLatin1String(name)));
        return std::nullopt;
    }
    const QString s = v.toString();
    if (s.size() < minLength) {
        m_problems.add(QLatin1String(name), QStringLiteral("too_short"),
            QStringLiteral("%1 must be at least %2 characters")
                .arg(QLatin1String(name))
                .arg(minLength));
        return std::nullopt;
    }
    if (s.size() > maxLength) {
        m_problems.add(QLatin1String(name), QStringLiteral("too_long"),
            QStringLiteral("%1 must be at most %2 characters")
                .arg(QLatin1String(name))
                .arg(maxLength));
        return std::nullopt;
    }
    if (hasControlCharacters(s)) {
        m_problems.add(QLatin1String(name), QStringLiteral("invalid_value"),
            QStringLiteral("%1 must not contain control characters").arg(QLatin1String(name)));
        return std::nullopt;
    }
    return s;
}

std::optional<qint64> JsonFields::integer(const char *name, bool required, qint64 min, qint64 max)
{
    if (!checkPresent(m_object, name, required, m_problems))
        return std::nullopt;
    const QJsonValue v = m_object.value(QLatin1String(name));
    const double d = v.toDouble();
    if (!v.isDouble() || std::floor(d) != d || std::fabs(d) > 9.0e15) {
        m_problems.add(QLatin1String(name), QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be an integer").arg(QLatin1String(name)));
        return std::nullopt;
    }
    const qint64 n = qint64(d);
    if (n < min || n > max) {
        m_problems.add(QLatin1String(name), QStringLiteral("out_of_range"),
            QStringLiteral("%1 must be an integer between %2 and %3")
                .arg(QLatin1String(name))
                .arg(min)
                .arg(max));
        return std::nullopt;
    }
    return n;
}

std::optional<double> JsonFields::number(
    const char *name, bool required, double min, double max, bool nullable)
{
    if (!checkPresent(m_object, name, required, m_problems))
        return std::nullopt;
    const QJsonValue v = m_object.value(QLatin1String(name));
    if (v.isNull() && nullable)
        return std::nullopt;
    if (!v.isDouble()) {
        m_problems.add(QLatin1String(name), QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be a number").arg(QLatin1String(name)));
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (d < min || d > max) {
        m_problems.add(QLatin1String(name), QStringLiteral("out_of_range"),
            QStringLiteral("%1 must be between %2 and %3")
                .arg(QLatin1String(name))
                .arg(min)
                .arg(max));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> JsonFields::boolean(const char *name, bool required)
{
    if (!checkPresent(m_object, name, required, m_problems))
        return std::nullopt;
    const QJsonValue v = m_object.value(QLatin1String(name));
    if (!v.isBool()) {
        m_problems.add(QLatin1String(name), QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be true or false").arg(QLatin1String(name)));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<QString> JsonFields::oneOf(
    const char *name, bool required, const QStringList &allowed)
{
    const auto s = string(name, required, 0, 256);
    if (!s)
        return std::nullopt;
    if (!allowed.contains(*s)) {
        m_problems.add(QLatin1String(name), QStringLiteral("invalid_value"),
            QStringLiteral("%1 must be one of: %2")
                .arg(QLatin1String(name), allowed.join(QLatin1String(", "))));
        return std::nullopt;
    }
    return s;
}

std::optional<QString> JsonFields::date(const char *name, bool required, bool nullable)
{
    const auto s = string(name, required, 0, 10, nullable);
    if (!s || s->isNull())
        return s;
    if (!isIsoDate(*s)) {
        m_problems.add(QLatin1String(name), QStringLiteral("invalid_format"),
            QStringLiteral("%1 must be a date as YYYY-MM-DD").arg(QLatin1String(name)));
        return std::nullopt;
    }
    return s;
}

std::optional<QJsonObject> JsonFields::object(const char *name, bool required)
{
    if (!checkPresent(m_object, name, required, m_problems))
        return std::nullopt;
    const QJsonValue v = m_object.value(QLatin1String(name));
    if (!v.isObject()) {
        m_problems.add(QLatin1String(name), QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be an object").arg(QLatin1String(name)));
        return std::nullopt;
    }
    return v.toObject();
}

// ---- QueryFields

QueryFields::QueryFields(const HttpRequest &request)
    : m_request(request)
{ }

void QueryFields::allowOnly(const QStringList &names)
{
    const auto items = m_request.query.queryItems(QUrl::FullyDecoded);
    QStringList seen;
    for (const auto &item : items) {
        if (!names.contains(item.first)) {
            m_problems.add(item.first.left(64), QStringLiteral("unknown_field"),
                QStringLiteral("Unknown query parameter \"%1\"").arg(item.first.left(64)));
        } else if (seen.contains(item.first)) {
            m_problems.add(item.first, QStringLiteral("duplicate"),
                QStringLiteral("%1 is given more than once").arg(item.first));
        }
        seen << item.first;
    }
}

std::optional<QString> QueryFields::raw(const QString &name) const
{
    return m_request.queryValue(name);
}

std::optional<QString> QueryFields::string(
    const QString &name, bool required, int minLength, int maxLength)
{
    const auto v = raw(name);
    if (!v) {
        if (required)
            m_problems.add(
                name, QStringLiteral("required"), QStringLiteral("%1 is required").arg(name));
        return std::nullopt;
    }
    const QString s = v->trimmed();
    if (s.size() < minLength || s.size() > maxLength) {
        m_problems.add(name,
            s.size() < minLength ? QStringLiteral("too_short") : QStringLiteral("too_long"),
            QStringLiteral("%1 must be %2 to %3 characters")
                .arg(name)
                .arg(minLength)
                .arg(maxLength));
        return std::nullopt;
    }
    return s;
}

std::optional<qint64> QueryFields::integer(
    const QString &name, bool required, qint64 min, qint64 max)
{
    const auto s = string(name, required, 1, 20);
    if (!s)
        return std::nullopt;
    static const QRegularExpression re(QStringLiteral("^[+-]?\\d{1,18}$"));
    const bool ok = re.match(*s).hasMatch();
    const qint64 n = ok ? s->toLongLong() : 0;
    if (!ok || n < min || n > max) {
        m_problems.add(name, ok ? QStringLiteral("out_of_range") : QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be an integer between %2 and %3").arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return n;
}

std::optional<double> QueryFields::number(
    const QString &name, bool required, double min, double max)
{
    const auto s = string(name, required, 1, 32);
    if (!s)
        return std::nullopt;
    bool ok = false;
    const double d = s->toDouble(&ok);
    if (!ok || !std::isfinite(d) || d < min || d > max) {
        m_problems.add(name, ok ? QStringLiteral("out_of_range") : QStringLiteral("wrong_type"),
            QStringLiteral("%1 must be a number between %2 and %3").arg(name).arg(min).arg(max));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> QueryFields::boolean(const QString &name, bool required)
{
    const auto s = oneOf(name, required, {QStringLiteral("true"), QStringLiteral("false")});
    if (!s)
        return std::nullopt;
    return *s == QLatin1String("true");
}

std::optional<QString> QueryFields::oneOf(
    const QString &name, bool required, const QStringList &allowed)
{
    const auto s = string(name, required, 0, 256);
    if (!s)
        return std::nullopt;
    if (!allowed.contains(*s)) {
        m_problems.add(name, QStringLiteral("invalid_value"),
            QStringLiteral("%1 must be one of: %2").arg(name, allowed.join(QLatin1String(", "))));
        return std::nullopt;
    }
    return s;
}

std::optional<QString> QueryFields::matching(
    const QString &name, bool required, const QString &pattern, const QString &example)
{
    const auto s = string(name, required, 1, 256);
    if (!s)
        return std::nullopt;
    const QRegularExpression re(QLatin1Char('^') + pattern + QLatin1Char('$'));
    if (!re.match(*s).hasMatch()) {
        m_problems.add(name, QStringLiteral("invalid_format"),
            QStringLiteral("%1 must look like %2").arg(name, example));
        return std::nullopt;
    }
    return s;
}

qint64 pathId(const HttpRequest &request, const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[1-9]\\d{0,9}$"));
    const QString v = request.param(name);
    if (!re.match(v).hasMatch() || v.toLongLong() > 2147483647LL)
        throw ApiError::validation(name, QStringLiteral("invalid_id"),
            QStringLiteral("%1 must be a positive integer below 2^31").arg(name));
    return v.toLongLong();
}

} // namespace marquee
