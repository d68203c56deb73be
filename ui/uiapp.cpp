#include "uiapp.h"

#include "adminwindow.h"
#include "trayicon.h"

#include <QApplication>
#include <QCloseEvent>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QTranslator>

namespace marquee::ui {

QLocale installTranslations(const QString &language)
{
    static QTranslator *ours = nullptr;
    static QTranslator *qts = nullptr;
    for (QTranslator **t : {&ours, &qts}) {
        if (*t) {
            QCoreApplication::removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    auto *own = new QTranslator(qApp);
    if (own->load(locale, QStringLiteral("marquee"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(ours = own);
    else
        delete own;
    // Qt's own strings (the buttons of dialogs), from Debian's qt6-translations-l10n.
    auto *qt = new QTranslator(qApp);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qts = qt);
    else
        delete qt;
    return locale;
}

QMessageBox *makeAlreadyRunningBox(const RunningServer &server)
{
    auto *box = new QMessageBox(QMessageBox::Information,
        QCoreApplication::translate("marquee::ui::UiApp", "Marquee is already running"),
        server.version.isEmpty()
            ? QCoreApplication::translate("marquee::ui::UiApp", "Marquee already answers at %1.")
                  .arg(server.url)
            : QCoreApplication::translate("marquee::ui::UiApp", "Marquee %1 already answers at %2.")
                  .arg(server.version, server.url),
        QMessageBox::Close);
    box->setTextFormat(Qt::PlainText);
    box->setInformativeText(server.systemService
            ? QCoreApplication::translate("marquee::ui::UiApp",
                "It is the system service (marquee.service), and this app does not start a "
                "second server beside it. Its settings are in /etc/marquee/marquee.env; "
                "\"sudo systemctl restart marquee\" applies them, \"sudo systemctl stop "
                "marquee\" stops it, and \"journalctl -u marquee\" shows its log.")
            : QCoreApplication::translate("marquee::ui::UiApp",
                "Another Marquee window or command started it, and this app does not start a "
                "second server on the same address. Use the one running, quit it first, or "
                "give this one another PORT."));
    box->setWindowTitle(
        QCoreApplication::translate("marquee::ui::UiApp", "Marquee is already running"));
    return box;
}

QCoreApplication *UiApp::createApplication(int &argc, char **argv)
{
    auto *app = new QApplication(argc, argv);
    // The server runs on without a window (in the tray); quitting is explicit.
    QApplication::setQuitOnLastWindowClosed(false);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/marquee/icons/marquee.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("marquee"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Marquee"));
    return app;
}

UiApp::UiApp(AdminBackend &backend, const UiOptions &options, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
{
    m_window = new AdminWindow(backend, options);
    m_window->installEventFilter(this);
    connect(m_window, &AdminWindow::quitRequested, this, &UiApp::quit);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new TrayIcon(backend, this);
        connect(m_tray, &TrayIcon::openWindowRequested, m_window, &AdminWindow::showAndRaise);
        connect(m_tray, &TrayIcon::quitRequested, this, &UiApp::quit);
    }
}

UiApp::~UiApp()
{
    delete m_window;
}

void UiApp::show()
{
    if (m_tray)
        m_tray->show();
    m_window->showAndRaise();
}

void UiApp::quit()
{
    m_window->setStopping();
    m_backend.requestStop();
}

bool UiApp::askStop()
{
    if (m_askStop)
        return m_askStop();
    return QMessageBox::question(m_window, tr("Stop the server?"),
               tr("Closing this window stops the Marquee server: apps using it lose their "
                  "connection. Stop the server?"),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        == QMessageBox::Yes;
}

bool UiApp::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window || event->type() != QEvent::Close)
        return QObject::eventFilter(watched, event);
    const AdminBackend::Phase phase = m_backend.phase();
    if (phase == AdminBackend::Phase::Stopping || phase == AdminBackend::Phase::Stopped)
        return false; // already on its way out
    if (m_tray && m_tray->isVisible()) {
        if (!m_trayHintShown) {
            m_trayHintShown = true;
            m_tray->showMessage(tr("Marquee is still running"),
                tr("The server keeps serving in the background. Open the window again from "
                   "the tray icon; “Quit” in its menu stops the server."),
                QSystemTrayIcon::Information, 5000);
        }
        return false; // the window hides, the server runs on
    }
    if (askStop()) {
        quit();
        return false;
    }
    event->ignore();
    return true;
}

} // namespace marquee::ui
