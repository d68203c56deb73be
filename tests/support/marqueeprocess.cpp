#include "marqueeprocess.h"

#include "config/config.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <csignal>
#include <sys/types.h>

namespace marquee::test {

QProcessEnvironment MarqueeProcess::cleanEnvironment(
    const QString &home, const QHash<QString, QString> &vars)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList known = knownConfigVariables();
    static const QStringList prefixes {QStringLiteral("TMDB_"), QStringLiteral("CLERK_"),
        QStringLiteral("RATE_LIMIT_"), QStringLiteral("CACHE_TTL_"), QStringLiteral("MARQUEE_")};
    for (const QString &name : env.keys()) {
        const bool ours = known.contains(name)
            || std::any_of(prefixes.begin(), prefixes.end(),
                [&name](const QString &prefix) { return name.startsWith(prefix); });
        if (ours)
            env.remove(name);
    }
    // What systemd gives a service changes where the database goes and whom it notifies.
    for (const char *name : {"STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET"})
        env.remove(QLatin1String(name));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("TMDB_BASE_URL"), QStringLiteral("http://127.0.0.1:9/3"));
    env.insert(QStringLiteral("TMDB_IMAGE_BASE_URL"), QStringLiteral("http://127.0.0.1:9/t/p"));
    // As in-process servers (testConfig()): the run's number of event loops, no warm-up.
    const int loops = qEnvironmentVariableIntValue("MARQUEE_TEST_WORKERS");
    env.insert(QStringLiteral("MARQUEE_WORKERS"), QString::number(loops < 1 ? 1 : loops));
    env.insert(QStringLiteral("MARQUEE_WARMUP"), QStringLiteral("off"));
    for (auto it = vars.begin(); it != vars.end(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

MarqueeProcess::Result MarqueeProcess::run(const QStringList &args,
    const QProcessEnvironment &environment, const QString &workDir, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.setWorkingDirectory(workDir);
    p.start(QStringLiteral(MARQUEE_BINARY), args);
    Result r;
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = r.finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    if (!r.finished)
        r.err += QStringLiteral("\n[killed: still running after %1 ms]").arg(timeoutMs);
    return r;
}

MarqueeProcess::~MarqueeProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool MarqueeProcess::start(const QProcessEnvironment &environment, const QString &workDir,
    const QStringList &args, int timeoutMs)
{
    m_port = 0;
    m_err.clear();
    m_error.clear();
    m_process.setProcessEnvironment(environment);
    m_process.setWorkingDirectory(workDir);
    m_process.setStandardErrorFile(m_logDir.filePath(QStringLiteral("stderr.log")));
    m_process.start(QStringLiteral(MARQUEE_BINARY),
        (m_windowed ? QStringList {} : QStringList {QStringLiteral("--headless")}) + args);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("%1 did not start: %2")
                      .arg(QStringLiteral(MARQUEE_BINARY), m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("listening on http://(?:\\[[^\\]]*\\]|[^:/\\s\"]+):(\\d+)"));
    const QDeadlineTimer deadline(timeoutMs);
    while (m_port == 0 && !deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForFinished(50);
        m_port = quint16(listening.match(standardError()).captured(1).toUInt());
    }
    if (m_port != 0)
        return true;
    standardError();
    m_error = m_process.state() == QProcess::Running
        ? QStringLiteral("marquee did not listen within %1 ms; it wrote: %2").arg(timeoutMs)
        : QStringLiteral("marquee exited (code %1) before listening; it wrote: %2")
              .arg(m_process.exitCode());
    m_error = m_error.arg(m_err.trimmed().isEmpty() ? QStringLiteral("nothing") : m_err.trimmed());
    return false;
}

QString MarqueeProcess::standardError()
{
    QFile log(m_logDir.filePath(QStringLiteral("stderr.log")));
    if (log.open(QIODevice::ReadOnly))
        m_err = QString::fromUtf8(log.readAll());
    return m_err;
}

bool MarqueeProcess::terminate(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    return m_process.waitForFinished(timeoutMs);
}

bool MarqueeProcess::kill9(int timeoutMs)
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    ::kill(pid_t(m_process.processId()), SIGKILL);
    return m_process.waitForFinished(timeoutMs);
}

} // namespace marquee::test
