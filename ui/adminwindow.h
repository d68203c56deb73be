#pragma once

#include "uimodule.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace marquee::ui {

class CachePage;
class DashboardPage;
class LogsPage;
class SettingsPage;
class UsersPage;

// The admin window: five pages (Dashboard, Cache, Users, Logs, Settings) chosen from a list on
// the left, fed from the backend on every change it announces; action results in the status bar.
class AdminWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Page { Dashboard, Cache, Users, Logs, Settings, PageCount };

    AdminWindow(AdminBackend &backend, const UiOptions &options, QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;
    static QString pageTitle(Page page);
    void showAndRaise();
    void setStopping(); // Quit was chosen: say so until the server has stopped
    // Reads the backend now (the subscription does it on every change).
    void refresh();

    DashboardPage *dashboard() const { return m_dashboard; }
    CachePage *cache() const { return m_cache; }
    UsersPage *users() const { return m_users; }
    LogsPage *logs() const { return m_logs; }
    SettingsPage *settings() const { return m_settings; }
    QString lastMessage() const { return m_lastMessage; }

signals:
    void quitRequested();

private:
    void showResult(const AdminResult &result);

    AdminBackend &m_backend;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_stack = nullptr;
    DashboardPage *m_dashboard = nullptr;
    CachePage *m_cache = nullptr;
    UsersPage *m_users = nullptr;
    LogsPage *m_logs = nullptr;
    SettingsPage *m_settings = nullptr;
    QLabel *m_phase = nullptr;
    quint64 m_lastResult = 0;
    quint64 m_lastGeneration = 0;
    QString m_lastMessage;
    bool m_usersLoaded = false;
};

} // namespace marquee::ui
