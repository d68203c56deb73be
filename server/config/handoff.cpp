#include "handoff.h"

#include <QMetaObject>

#include <condition_variable>
#include <memory>

namespace marquee {

Mailbox::Mailbox(QObject *parent)
    : QObject(parent)
{ }

Mailbox::~Mailbox()
{
    // Ordered after every post(): each reads this object (the queued call) under the lock.
    std::lock_guard lock(m_mutex);
}

void Mailbox::post(std::function<void()> fn)
{
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(fn));
    if (!m_scheduled) {
        m_scheduled = true;
        // Under the lock, so that the destructor (which takes it) is ordered after this read of
        // the object; drain() never holds the lock while Qt's event queue is locked.
        QMetaObject::invokeMethod(this, "drain", Qt::QueuedConnection);
    }
}

void Mailbox::call(const std::function<void()> &fn)
{
    // The state lives on the heap, shared: nothing the other thread touches is on this stack.
    struct State
    {
        std::function<void()> fn;
        std::mutex mutex;
        std::condition_variable finished;
        bool done = false;
    };
    auto state = std::make_shared<State>();
    state->fn = fn;
    post([state] {
        state->fn();
        std::lock_guard lock(state->mutex);
        state->done = true;
        state->finished.notify_one();
    });
    std::unique_lock lock(state->mutex);
    state->finished.wait(lock, [&] { return state->done; });
}

void Mailbox::drain()
{
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_queue);
        m_scheduled = false;
    }
    for (auto &fn : batch)
        fn();
}

} // namespace marquee
