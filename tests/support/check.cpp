#include "check.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace marquee::test {

void verifyError(
    const HttpReply &reply, int status, const QString &code, const char *file, int line)
{
    // Failures are reported at the caller's line (file, line), not at this helper's.
    const QString body = QString::fromUtf8(reply.body.left(500));
    const auto check = [&](bool ok, const char *what, const QString &why) {
        return QTest::qVerify(ok, what, qPrintable(why), file, line);
    };
    if (!check(reply.status == status, "reply.status == status",
            QStringLiteral("expected %1 %2, got %3: %4")
                .arg(status)
                .arg(code)
                .arg(reply.status)
                .arg(body)))
        return;
    if (!check(reply.header("Content-Type").startsWith("application/json"), "Content-Type is JSON",
            QString::fromLatin1(reply.header("Content-Type"))))
        return;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &parseError);
    if (!check(document.isObject(), "the body is a JSON object",
            parseError.errorString() + QStringLiteral(": ") + body))
        return;
    const QJsonObject o = document.object();
    if (!check(o.value(QLatin1String("success")) == QJsonValue(false), "success is false", body))
        return;
    if (!check(o.value(QLatin1String("code")).toString() == code, "code",
            QStringLiteral("expected %1: %2").arg(code, body)))
        return;
    const QJsonValue error = o.value(QLatin1String("error"));
    if (!check(error.isString() && !error.toString().isEmpty(), "error is a message", body))
        return;
    if (!check(!o.contains(QLatin1String("details")) || o.value(QLatin1String("details")).isArray(),
            "details, if any, is an array", body))
        return;
    const QByteArray requestId = reply.header("X-Request-Id");
    check(!requestId.isEmpty()
            && o.value(QLatin1String("requestId")).toString() == QString::fromLatin1(requestId),
        "requestId is the X-Request-Id header",
        QStringLiteral("X-Request-Id %1: %2").arg(QString::fromLatin1(requestId), body));
}

QByteArray notStarted(const char *what, const QString &why)
{
    return QByteArray(what) + " did not start: "
        + (why.isEmpty() ? QByteArrayLiteral("(no reason given)") : why.toUtf8());
}

} // namespace marquee::test
