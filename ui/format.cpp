#include "format.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QMessageBox>

namespace marquee::ui {

namespace {
// The translation context of these strings ("marquee::ui::Format").
struct Format
{
    Q_DECLARE_TR_FUNCTIONS(marquee::ui::Format)
};
} // namespace

QString formatBytes(qint64 bytes)
{
    if (bytes < 0)
        return Format::tr("unknown");
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString formatCount(qint64 count)
{
    return QLocale().toString(count);
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 60)
        return Format::tr("%1 s").arg(seconds);
    // Two units at most, the second left out when it is zero ("6 h", not "6 h 0 min").
    if (seconds < 3600)
        return seconds % 60 ? Format::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60)
                            : Format::tr("%1 min").arg(seconds / 60);
    if (seconds < 86400)
        return seconds % 3600 / 60
            ? Format::tr("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60)
            : Format::tr("%1 h").arg(seconds / 3600);
    return seconds % 86400 / 3600
        ? Format::tr("%1 d %2 h").arg(seconds / 86400).arg(seconds % 86400 / 3600)
        : Format::tr("%1 d").arg(seconds / 86400);
}

QString formatMs(double ms)
{
    if (ms <= 0)
        return QStringLiteral("–");
    const QLocale l;
    if (ms < 10)
        return Format::tr("%1 ms").arg(l.toString(ms, 'f', 2));
    if (ms < 1000)
        return Format::tr("%1 ms").arg(l.toString(ms, 'f', 0));
    return Format::tr("%1 s").arg(l.toString(ms / 1000, 'f', 1));
}

QString formatPercent(double ratio)
{
    return Format::tr("%1%").arg(QLocale().toString(ratio * 100, 'f', 1));
}

bool askPlain(QWidget *parent, const QString &title, const QString &text)
{
    QMessageBox box(
        QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel, parent);
    box.setTextFormat(Qt::PlainText);
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

QString formatDateTime(qint64 msSinceEpoch)
{
    if (msSinceEpoch <= 0)
        return Format::tr("never");
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(msSinceEpoch), QLocale::ShortFormat);
}

} // namespace marquee::ui
