#pragma once

#include <QObject>

class QSocketNotifier;

namespace marquee {

// Turns SIGINT/SIGTERM into a Qt signal (self-pipe), so shutdown runs on the event loop.
// A second signal while shutting down exits at once.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;
    Q_DISABLE_COPY_MOVE(SignalWatcher)

signals:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace marquee
