#include "dashboardpage.h"

#include "format.h"
#include "trafficchart.h"

#include <QClipboard>
#include <QFrame>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace marquee::ui {

DashboardPage::DashboardPage(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(12);
    tile(QStringLiteral("status"), tr("Status"), 0, 0);
    QLabel *address = tile(QStringLiteral("address"), tr("Address"), 0, 1);
    address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tile(QStringLiteral("uptime"), tr("Uptime"), 0, 2);
    tile(QStringLiteral("tmdb"), tr("TMDB"), 0, 3);
    tile(QStringLiteral("rate"), tr("Requests per second"), 1, 0);
    tile(QStringLiteral("latency"), tr("Latency p50 / p99"), 1, 1);
    tile(QStringLiteral("hitRatio"), tr("Cache hit ratio"), 1, 2);
    tile(QStringLiteral("saved"), tr("TMDB calls saved"), 1, 3);
    tile(QStringLiteral("database"), tr("Database size"), 2, 0);
    tile(QStringLiteral("users"), tr("Users"), 2, 1);
    tile(QStringLiteral("lists"), tr("Watchlist / favorites"), 2, 2);
    tile(QStringLiteral("requests"), tr("Requests served"), 2, 3);
    for (int c = 0; c < 4; ++c)
        grid->setColumnStretch(c, 1);
    // The tiles were made for this grid (tile() adds them to m_grid).
    for (auto it = m_tiles.cbegin(); it != m_tiles.cend(); ++it) {
        QWidget *frame = it.value()->parentWidget();
        grid->addWidget(frame, frame->property("row").toInt(), frame->property("column").toInt());
    }
    m_copy = new QPushButton(tr("Copy address"));
    m_copy->setToolTip(tr("Copies the address other devices on your network use"));
    connect(m_copy, &QPushButton::clicked, this,
        [this] { QGuiApplication::clipboard()->setText(m_address); });
    auto *addressFrame = address->parentWidget();
    addressFrame->layout()->addWidget(m_copy);
    layout->addLayout(grid);
    auto *chartTitle = new QLabel(tr("Requests and latency, last 10 minutes"));
    QFont bold = chartTitle->font();
    bold.setBold(true);
    chartTitle->setFont(bold);
    layout->addWidget(chartTitle);
    m_chart = new TrafficChart;
    layout->addWidget(m_chart, 1);
}

QLabel *DashboardPage::tile(const QString &name, const QString &title, int row, int column)
{
    auto *frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setProperty("row", row);
    frame->setProperty("column", column);
    auto *v = new QVBoxLayout(frame);
    auto *caption = new QLabel(title);
    caption->setForegroundRole(QPalette::PlaceholderText);
    auto *value = new QLabel(QStringLiteral("–"));
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    value->setFont(big);
    value->setWordWrap(true);
    value->setAccessibleName(title);
    v->addWidget(caption);
    v->addWidget(value);
    v->addStretch();
    m_tiles.insert(name, value);
    return value;
}

QString DashboardPage::tileText(const QString &name) const
{
    const QLabel *l = m_tiles.value(name);
    return l ? l->text() : QString();
}

void DashboardPage::update(AdminBackend::Phase phase, const AdminSnapshot &s)
{
    const auto set = [this](const char *name, const QString &text) {
        m_tiles.value(QLatin1String(name))->setText(text);
    };
    QString status;
    QString color;
    using Phase = AdminBackend::Phase;
    if (phase == Phase::Stopping || phase == Phase::Stopped || s.health.shuttingDown) {
        status = phase == Phase::Stopped ? tr("Stopped") : tr("Stopping…");
        color = QStringLiteral("#8a8f98");
    } else if (phase != Phase::Running) {
        status = tr("Starting…");
        color = QStringLiteral("#8a8f98");
    } else if (!s.health.databaseOk) {
        status = tr("Degraded: database unavailable");
        color = QStringLiteral("#c77700");
    } else if (s.tmdbMode == QLatin1String("offline")) {
        status = tr("Degraded: TMDB unreachable");
        color = QStringLiteral("#c77700");
    } else {
        status = tr("Serving");
        color = QStringLiteral("#1f9d4c");
    }
    set("status",
        QStringLiteral("<span style=\"color:%1\">●</span> %2").arg(color, status.toHtmlEscaped()));
    m_address = s.lanUrls.value(0, s.listenUrl);
    QStringList addresses = s.lanUrls;
    if (!addresses.contains(s.listenUrl) && !s.listenUrl.isEmpty())
        addresses.prepend(s.listenUrl);
    set("address", addresses.join(QLatin1Char('\n')));
    m_copy->setEnabled(!m_address.isEmpty());
    set("uptime", formatDuration(s.health.uptimeSeconds));
    const QString mode = s.tmdbMode == QLatin1String("live") ? tr("Live")
        : s.tmdbMode == QLatin1String("demo")                ? tr("Demo catalogue")
        : s.tmdbMode == QLatin1String("offline")             ? tr("Offline")
                                                             : s.tmdbMode;
    set("tmdb", mode);
    set("rate", QLocale().toString(s.requestsPerSecond, 'f', 1));
    set("latency", tr("%1 / %2").arg(formatMs(s.p50Ms), formatMs(s.p99Ms)));
    set("hitRatio", formatPercent(s.health.cacheHitRatio));
    set("saved", formatCount(qint64(s.upstreamCallsSaved)));
    set("database", formatBytes(s.databaseBytes));
    set("users", formatCount(s.users));
    set("lists", tr("%1 / %2").arg(formatCount(s.watchlistItems), formatCount(s.favoriteItems)));
    set("requests", formatCount(qint64(s.health.requestsServed)));
    m_chart->setPoints(s.traffic);
}

} // namespace marquee::ui
