#pragma once

#include <QObject>

#include <functional>
#include <mutex>
#include <vector>

namespace marquee {

// Work handed to the event loop of another thread. post() queues a function under a standard
// mutex and wakes the mailbox's thread with a string-based queued call, so that ThreadSanitizer
// sees the hand-off: Debian's Qt is not built with TSan, and a functor given to
// QMetaObject::invokeMethod() is written by our (instrumented) code and read on the other thread
// behind Qt's own (invisible) lock, which TSan reports as a race. A mailbox lives in the thread it
// serves; what is still queued when it is destroyed is destroyed unrun.
class Mailbox : public QObject
{
    Q_OBJECT
public:
    explicit Mailbox(QObject *parent = nullptr);
    ~Mailbox() override;
    Q_DISABLE_COPY_MOVE(Mailbox)

    // Any thread: fn runs on the mailbox's thread, later (after what was posted before it).
    void post(std::function<void()> fn);
    // Another thread than the mailbox's, whose event loop runs: runs fn there and waits for it.
    void call(const std::function<void()> &fn);

private:
    Q_INVOKABLE void drain();

    std::mutex m_mutex;
    std::vector<std::function<void()>> m_queue; // guarded by m_mutex
    bool m_scheduled = false; // a drain() is queued; guarded by m_mutex
};

} // namespace marquee
