// JsonWriter produces JSON that Qt's own parser reads back to the same values.
#include "http/jsonwriter.h"
#include "log/timeformat.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace marquee;

class TestJsonWriter : public QObject
{
    Q_OBJECT

private slots:
    void stringsRoundTrip_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << "Fight Club";
        QTest::newRow("quotes") << "say \"hi\" \\ back";
        QTest::newRow("controls") << QString::fromUtf8("a\nb\tc\rd\x01\x1f");
        QTest::newRow("unicode") << QString::fromUtf8("Amélie — 千と千尋 🎬");
        QTest::newRow("slash") << "</script>";
        QTest::newRow("empty") << "";
        QTest::newRow("escapes at both ends") << "\"quoted\\";
        QTest::newRow("only escapes") << "\n\"\\";
        QTest::newRow("ascii, then one accent") << QString::fromUtf8("Les Misérables");
        QTest::newRow("delete and latin-1") << QString::fromUtf8("a\x7f b \xc3\xbf");
    }
    void stringsRoundTrip()
    {
        QFETCH(QString, text);
        QByteArray out;
        JsonWriter(&out).beginObject().field("s", text).endObject();
        QJsonParseError err;
        const QJsonObject o = QJsonDocument::fromJson(out, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(o.value("s").toString(), text);
    }

    void structureAndScalars()
    {
        QByteArray out;
        JsonWriter w(&out);
        w.beginObject()
            .field("n", qint64(550))
            .field("d", 8.4)
            .field("whole", 7.0)
            .field("t", true)
            .field("f", false);
        w.key("none").null().field("nullString", QString());
        w.key("list").beginArray();
        for (int i = 0; i < 3; ++i)
            w.beginObject().field("i", i).endObject();
        w.endArray().key("empty").beginArray().endArray().key("raw").raw("{\"x\":1}").endObject();
        QJsonParseError err;
        const QJsonObject o = QJsonDocument::fromJson(out, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(o.value("n").toInteger(), 550);
        QCOMPARE(o.value("d").toDouble(), 8.4);
        QVERIFY(out.contains("\"d\":8.4,"));
        QVERIFY(out.contains("\"whole\":7,"));
        QCOMPARE(o.value("t").toBool(), true);
        QCOMPARE(o.value("f").toBool(true), false);
        QVERIFY(o.value("none").isNull());
        QVERIFY(o.value("nullString").isNull());
        QCOMPARE(o.value("list").toArray().size(), 3);
        QCOMPARE(o.value("list").toArray().at(2).toObject().value("i").toInt(), 2);
        QVERIFY(o.value("empty").toArray().isEmpty());
        QCOMPARE(o.value("raw").toObject().value("x").toInt(), 1);
    }

    void isoTimestampsMatchQt_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::newRow("epoch") << qint64(0);
        QTest::newRow("now-ish") << qint64(1795000000123);
        QTest::newRow("leap day 2000") << qint64(951782400999);
        QTest::newRow("end of 1999") << qint64(946684799999);
        QTest::newRow("2100-03-01") << qint64(4107542400000);
        QTest::newRow("before epoch") << qint64(-86400001);
    }
    void isoTimestampsMatchQt()
    {
        QFETCH(qint64, ms);
        QCOMPARE(
            isoUtc(ms), QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
    }

    void nonFiniteNumbersBecomeNull()
    {
        QByteArray out;
        JsonWriter(&out)
            .beginArray()
            .value(std::numeric_limits<double>::infinity())
            .value(std::nan(""))
            .endArray();
        QCOMPARE(out, QByteArray("[null,null]"));
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
