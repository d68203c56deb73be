#pragma once

#include <QHash>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace marquee::test {

// The real `marquee` executable (MARQUEE_BINARY) in a process of its own, for what only the whole
// program does: the command line, exit codes, configuration errors, signals, a kill -9.
class MarqueeProcess
{
public:
    // The test run's environment without any of Marquee's variables (a developer's TMDB key or
    // PORT must not leak into a test), with HOME and XDG_DATA_HOME inside `home` (the default
    // database lands there), TMDB_BASE_URL pointing nowhere, and `vars` on top.
    static QProcessEnvironment cleanEnvironment(
        const QString &home, const QHash<QString, QString> &vars = {});

    struct Result
    {
        bool finished = false; // false: killed after the timeout
        int exitCode = -1;
        QString out;
        QString err;
    };
    // Runs `marquee args` to its end.
    static Result run(const QStringList &args, const QProcessEnvironment &environment,
        const QString &workDir, int timeoutMs = 20000);

    MarqueeProcess() = default;
    ~MarqueeProcess(); // a server still running is killed
    Q_DISABLE_COPY_MOVE(MarqueeProcess)

    // Starts `marquee --headless args` and waits for its "listening on" line. False, with
    // errorString() saying why (and what it wrote), when it exits or does not listen in time.
    bool start(const QProcessEnvironment &environment, const QString &workDir,
        const QStringList &args = {}, int timeoutMs = 10000);
    // Without --headless: the server opens its window (on QT_QPA_PLATFORM, DISPLAY, ...).
    void setWindowed(bool windowed) { m_windowed = windowed; }
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    QString standardError(); // all it wrote to stderr so far

    // SIGTERM, or SIGKILL, then waits for the exit; true if it exited within the time.
    bool terminate(int timeoutMs = 10000);
    bool kill9(int timeoutMs = 10000);
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    // The server's stderr goes to a file, not a pipe: a test blocked in a raw socket call does
    // not read a pipe, and a server whose log pipe is full stops answering.
    QTemporaryDir m_logDir;
    QString m_err;
    QString m_error;
    quint16 m_port = 0;
    bool m_windowed = false;
};

} // namespace marquee::test
