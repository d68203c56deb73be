#include "trayicon.h"

#include "format.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QMenu>
#include <QPainter>
#include <QUrl>

namespace marquee::ui {

TrayIcon::TrayIcon(AdminBackend &backend, QObject *parent)
    : QSystemTrayIcon(parent)
    , m_backend(backend)
{
    auto *menu = new QMenu;
    connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
    m_open = menu->addAction(tr("Open admin window"), this, &TrayIcon::openWindowRequested);
    m_copy = menu->addAction(tr("Copy LAN address"), this,
        [this] { QGuiApplication::clipboard()->setText(lanAddress()); });
    m_docs = menu->addAction(tr("Open API documentation"), this,
        [this] { QDesktopServices::openUrl(QUrl(apiDocumentationUrl())); });
    menu->addSeparator();
    m_quit = menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    setContextMenu(menu);
    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            emit openWindowRequested();
    });
    backend.subscribe(this, [this] { refresh(); });
    refresh();
}

QList<QAction *> TrayIcon::menuActions() const
{
    return {m_open, m_copy, m_docs, m_quit};
}

QString TrayIcon::lanAddress() const
{
    return m_snapshot.lanUrls.value(0, m_snapshot.listenUrl);
}

QString TrayIcon::apiDocumentationUrl() const
{
    // The server's own OpenAPI document, from the address this machine reaches it at.
    QString base = m_snapshot.listenUrl;
    base.replace(QLatin1String("://0.0.0.0:"), QLatin1String("://127.0.0.1:"));
    base.replace(QLatin1String("://[::]:"), QLatin1String("://[::1]:"));
    return base + QStringLiteral("/api/openapi.json");
}

TrayIcon::State TrayIcon::stateOf(AdminBackend::Phase phase, const AdminSnapshot &s)
{
    if (phase != AdminBackend::Phase::Running || s.health.shuttingDown)
        return State::Stopping;
    if (!s.health.databaseOk || s.tmdbMode == QLatin1String("offline"))
        return State::Degraded;
    return State::Serving;
}

QIcon TrayIcon::iconFor(State state)
{
    const QIcon base(QStringLiteral(":/marquee/icons/marquee.svg"));
    QIcon out;
    for (int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap = base.pixmap(size, size);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const QColor dot = state == State::Serving ? QColor(0x2e, 0xb8, 0x5c)
            : state == State::Degraded             ? QColor(0xf5, 0xa6, 0x23)
                                                   : QColor(0x8a, 0x8f, 0x98);
        const qreal d = size * 0.42;
        p.setPen(QPen(Qt::white, qMax(1.0, size / 16.0)));
        p.setBrush(dot);
        p.drawEllipse(QRectF(size - d - 0.5, size - d - 0.5, d, d));
        out.addPixmap(pixmap);
    }
    return out;
}

void TrayIcon::refresh()
{
    m_snapshot = m_backend.adminSnapshot();
    const State state = stateOf(m_backend.phase(), m_snapshot);
    if (state != m_state || m_first) {
        m_first = false;
        m_state = state;
        setIcon(iconFor(state));
    }
    const QString what = state == State::Serving ? tr("Serving")
        : state == State::Degraded               ? tr("Degraded")
                                                 : tr("Stopping");
    const QString tip
        = tr("Marquee: %1\n%2\nRequests served: %3")
              .arg(what, lanAddress(), formatCount(qint64(m_snapshot.health.requestsServed)));
    if (tip != toolTip()) // each change is a message to the desktop's tray host
        setToolTip(tip);
    m_copy->setEnabled(!lanAddress().isEmpty());
}

} // namespace marquee::ui
