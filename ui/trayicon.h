#pragma once

#include "core/adminbackend.h"

#include <QSystemTrayIcon>

class QAction;

namespace marquee::ui {

// The tray icon: the server's state at a glance (serving, degraded: TMDB offline or database
// trouble, stopping), a tooltip with the address and the request count, and a menu: Open admin
// window, Copy LAN address, Open API documentation, Quit.
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    enum class State { Serving, Degraded, Stopping };

    explicit TrayIcon(AdminBackend &backend, QObject *parent = nullptr);

    State state() const { return m_state; }
    QString lanAddress() const; // what "Copy LAN address" copies
    QString apiDocumentationUrl() const;
    QList<QAction *> menuActions() const;
    // The icon for a state: the application icon with a coloured dot (also for tests).
    static QIcon iconFor(State state);
    static State stateOf(AdminBackend::Phase phase, const AdminSnapshot &snapshot);

signals:
    void openWindowRequested();
    void quitRequested();

private:
    void refresh();

    AdminBackend &m_backend;
    AdminSnapshot m_snapshot;
    State m_state = State::Serving;
    bool m_first = true;
    QAction *m_open = nullptr;
    QAction *m_copy = nullptr;
    QAction *m_docs = nullptr;
    QAction *m_quit = nullptr;
};

} // namespace marquee::ui
