#include "check.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace marquee::test {

void verifyError(const HttpReply &reply, int status, const QString &code)
{
    QVERIFY2(reply.status == status,
        qPrintable(QStringLiteral("expected %1 %2, got %3: %4")
                       .arg(status)
                       .arg(code)
                       .arg(reply.status)
                       .arg(QString::fromUtf8(reply.body.left(500)))));
    QVERIFY2(reply.header("Content-Type").startsWith("application/json"),
        reply.header("Content-Type").constData());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply.body, &parseError);
    QVERIFY2(document.isObject(), qPrintable(parseError.errorString()));
    const QJsonObject o = document.object();
    QCOMPARE(o.value(QLatin1String("success")), QJsonValue(false));
    QCOMPARE(o.value(QLatin1String("code")).toString(), code);
    QVERIFY2(o.value(QLatin1String("error")).isString()
            && !o.value(QLatin1String("error")).toString().isEmpty(),
        reply.body.constData());
    QVERIFY2(!o.contains(QLatin1String("details")) || o.value(QLatin1String("details")).isArray(),
        reply.body.constData());
    QVERIFY(!reply.header("X-Request-Id").isEmpty());
    QCOMPARE(
        o.value(QLatin1String("requestId")).toString().toLatin1(), reply.header("X-Request-Id"));
}

QByteArray notStarted(const char *what, const QString &why)
{
    return QByteArray(what) + " did not start: "
        + (why.isEmpty() ? QByteArrayLiteral("(no reason given)") : why.toUtf8());
}

} // namespace marquee::test
