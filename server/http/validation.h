#pragma once

#include "httprequest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <initializer_list>
#include <optional>

namespace marquee {

// Collects every problem of one request, then throws one VALIDATION_ERROR listing them all
// (details: [{field, issue}]). Issues are short machine words: required, unknown_field,
// wrong_type, out_of_range, too_short, too_long, invalid_value, invalid_format.
class Problems
{
public:
    void add(const QString &field, const QString &issue, const QString &message);
    bool isEmpty() const { return m_details.isEmpty(); }
    void throwIfAny() const; // the first message becomes the envelope's `error`
private:
    QJsonArray m_details;
    QString m_firstMessage;
};

// Requires `Content-Type: application/json` (415) and a JSON object body (400 INVALID_JSON).
QJsonObject parseJsonObjectBody(const HttpRequest &request);

// Typed access to a JSON body; a string "550" is not an integer.
class JsonFields
{
public:
    explicit JsonFields(QJsonObject object);
    void allowOnly(std::initializer_list<const char *> names);

    bool has(const char *name) const { return m_object.contains(QLatin1String(name)); }
    bool isNull(const char *name) const { return m_object.value(QLatin1String(name)).isNull(); }

    // Absent -> nullopt (a problem when required). JSON null -> a null QString when nullable.
    std::optional<QString> string(
        const char *name, bool required, int minLength, int maxLength, bool nullable = false);
    std::optional<qint64> integer(const char *name, bool required, qint64 min, qint64 max);
    std::optional<double> number(
        const char *name, bool required, double min, double max, bool nullable = false);
    std::optional<bool> boolean(const char *name, bool required);
    std::optional<QString> oneOf(const char *name, bool required, const QStringList &allowed);
    std::optional<QString> date(
        const char *name, bool required, bool nullable = false); // YYYY-MM-DD
    std::optional<QJsonObject> object(const char *name, bool required);

    Problems &problems() { return m_problems; }
    void finish() const { m_problems.throwIfAny(); }

private:
    QJsonObject m_object;
    Problems m_problems;
};

// Typed access to query parameters, with the same problem reporting.
class QueryFields
{
public:
    explicit QueryFields(const HttpRequest &request);
    // Unknown parameters are refused (docs/api.md, "Envelope and errors"); aliases count as known.
    void allowOnly(const QStringList &names);

    std::optional<QString> string(const QString &name, bool required, int minLength, int maxLength);
    std::optional<qint64> integer(const QString &name, bool required, qint64 min, qint64 max);
    std::optional<double> number(const QString &name, bool required, double min, double max);
    std::optional<bool> boolean(const QString &name, bool required);
    std::optional<QString> oneOf(const QString &name, bool required, const QStringList &allowed);
    std::optional<QString> matching(
        const QString &name, bool required, const QString &pattern, const QString &example);
    std::optional<QString> raw(const QString &name) const;

    Problems &problems() { return m_problems; }
    void finish() const { m_problems.throwIfAny(); }

private:
    const HttpRequest &m_request;
    Problems m_problems;
};

// A path parameter that must be a positive integer below 2^31 (TMDB ids, our own ids).
qint64 pathId(const HttpRequest &request, const QString &name);

} // namespace marquee
