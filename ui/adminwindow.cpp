#include "adminwindow.h"

#include "cachepage.h"
#include "dashboardpage.h"
#include "format.h"
#include "logspage.h"
#include "settingspage.h"
#include "userspage.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>

namespace marquee::ui {

QString AdminWindow::pageTitle(Page page)
{
    switch (page) {
    case Dashboard:
        return tr("Dashboard");
    case Cache:
        return tr("Cache");
    case Users:
        return tr("Users");
    case Logs:
        return tr("Logs");
    case Settings:
        return tr("Settings");
    case PageCount:
        break;
    }
    return {};
}

AdminWindow::AdminWindow(AdminBackend &backend, const UiOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_backend(backend)
{
    setWindowTitle(tr("Marquee"));
    auto *central = new QWidget;
    auto *row = new QHBoxLayout(central);
    m_nav = new QListWidget;
    m_nav->setAccessibleName(tr("Pages"));
    m_stack = new QStackedWidget;
    m_dashboard = new DashboardPage;
    m_cache = new CachePage(backend);
    m_users = new UsersPage(backend);
    m_logs = new LogsPage(backend);
    m_settings = new SettingsPage(options);
    for (QWidget *page : {static_cast<QWidget *>(m_dashboard), static_cast<QWidget *>(m_cache),
             static_cast<QWidget *>(m_users), static_cast<QWidget *>(m_logs),
             static_cast<QWidget *>(m_settings)})
        m_stack->addWidget(page);
    int widest = 0;
    for (int p = 0; p < PageCount; ++p) {
        m_nav->addItem(pageTitle(Page(p)));
        widest = qMax(widest, m_nav->fontMetrics().horizontalAdvance(pageTitle(Page(p))));
    }
    m_nav->setFixedWidth(widest + 40);
    QFont navFont = m_nav->font();
    navFont.setPointSizeF(navFont.pointSizeF() * 1.1);
    m_nav->setFont(navFont);
    m_nav->setSpacing(3);
    row->addWidget(m_nav);
    row->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int r) {
        m_stack->setCurrentIndex(r);
        if (r == Users && !m_usersLoaded) {
            m_usersLoaded = true;
            m_users->reload();
        }
    });

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Close window"), QKeySequence::Close, this, &QWidget::close);
    file->addAction(tr("&Quit Marquee"), QKeySequence::Quit, this, &AdminWindow::quitRequested);

    m_phase = new QLabel;
    statusBar()->addPermanentWidget(m_phase);
    backend.subscribe(this, [this] { refresh(); });
    m_nav->setCurrentRow(Dashboard);
    resize(1280, 800);
    refresh();
}

void AdminWindow::showPage(Page page)
{
    m_nav->setCurrentRow(page);
}

AdminWindow::Page AdminWindow::currentPage() const
{
    return Page(m_stack->currentIndex());
}

void AdminWindow::showAndRaise()
{
    show();
    setWindowState((windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    raise();
    activateWindow();
}

void AdminWindow::setStopping()
{
    m_phase->setText(tr("Stopping: finishing the requests in flight…"));
}

void AdminWindow::refresh()
{
    const AdminBackend::Phase phase = m_backend.phase();
    const AdminSnapshot s = m_backend.adminSnapshot();
    if (s.generation != m_lastGeneration || phase != AdminBackend::Phase::Running) {
        m_lastGeneration = s.generation;
        m_dashboard->update(phase, s);
        m_cache->update(s);
    }
    m_users->refresh();
    for (const AdminResult &r : m_backend.resultsAfter(m_lastResult)) {
        m_lastResult = r.seq;
        showResult(r);
    }
    switch (phase) {
    case AdminBackend::Phase::Running:
        m_phase->setText(tr("Serving at %1").arg(s.lanUrls.value(0, s.listenUrl)));
        break;
    case AdminBackend::Phase::Stopping:
        setStopping();
        break;
    case AdminBackend::Phase::Stopped:
        m_phase->setText(tr("Stopped"));
        break;
    default:
        break;
    }
}

void AdminWindow::showResult(const AdminResult &r)
{
    using Kind = AdminCommand::Kind;
    QString text;
    if (!r.ok) {
        text = tr("Failed: %1").arg(r.error);
    } else {
        switch (r.command.kind) {
        case Kind::PurgeCategory:
        case Kind::PurgeAll:
            text = tr("Cache entries removed: %1").arg(formatCount(r.count));
            break;
        case Kind::PruneExpired:
            text = tr("Expired cache entries removed: %1").arg(formatCount(r.count));
            break;
        case Kind::SignOutUser:
            text = tr("User signed out; sessions ended: %1").arg(formatCount(r.count));
            break;
        case Kind::DeleteUser:
            text = tr("Deleted the user and their lists");
            break;
        }
    }
    m_lastMessage = text;
    statusBar()->showMessage(text, 8000);
    if (r.command.kind == Kind::SignOutUser || r.command.kind == Kind::DeleteUser)
        m_users->reload();
}

} // namespace marquee::ui
