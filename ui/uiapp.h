#pragma once

#include "uimodule.h"

#include <QLocale>
#include <QObject>
#include <QPointer>

#include <functional>

class QCoreApplication;
class QMessageBox;

namespace marquee::ui {

class AdminWindow;
class TrayIcon;

// Installs the window's translations and Qt's own for `language` ("de", "fr_CA"; empty: the
// system locale) and makes it the default locale (numbers, dates); returns the locale chosen.
// English, the source language, needs no file. Call once the application object exists, before
// any window is made; a second call replaces the first.
QLocale installTranslations(const QString &language);

// The dialog that says a Marquee server already answers where this app would have started one
// (the system service, most often): where it is and how to manage it. Made, not shown; the
// caller owns it.
QMessageBox *makeAlreadyRunningBox(const RunningServer &server);

// The window's side of a running server: the admin window, the tray icon when the desktop has a
// system tray, and what closing and quitting do.
// - Closing the window hides it in the tray when there is one; without a tray, it asks whether
//   to stop the server (No keeps the window open).
// - Quit (tray menu, the window's File menu) asks the backend to stop; the app ends the event
//   loop once the server has stopped, as it does for SIGTERM.
class UiApp : public QObject
{
    Q_OBJECT
public:
    UiApp(AdminBackend &backend, const UiOptions &options, QObject *parent = nullptr);
    ~UiApp() override;
    Q_DISABLE_COPY_MOVE(UiApp)

    static QCoreApplication *createApplication(int &argc, char **argv);

    void show();
    void quit(); // the graceful stop
    AdminWindow *window() const { return m_window; }
    TrayIcon *tray() const { return m_tray; }
    // Tests: answer the "stop the server?" question without a dialog (the dialog otherwise).
    void setStopQuestion(std::function<bool()> ask) { m_askStop = std::move(ask); }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool askStop();

    AdminBackend &m_backend;
    AdminWindow *m_window = nullptr;
    TrayIcon *m_tray = nullptr;
    std::function<bool()> m_askStop;
    bool m_trayHintShown = false;
};

} // namespace marquee::ui
