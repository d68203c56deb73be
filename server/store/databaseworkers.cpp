#include "databaseworkers.h"

#include "config/handoff.h"
#include "database.h"

namespace marquee {

DatabaseWorkers::DatabaseWorkers(Database &db, int count, std::function<void()> releaseThread)
    : m_db(db)
    , m_release(std::move(releaseThread))
{
    for (int i = 0; i < count; ++i) {
        auto w = std::make_unique<Worker>();
        w->thread.setObjectName(QStringLiteral("marquee-db-%1").arg(i + 1));
        w->mailbox = new Mailbox;
        w->mailbox->moveToThread(&w->thread);
        w->thread.start();
        // A worker may wait for a reconnection: that is what it is for (Database::hostAnswers).
        w->mailbox->post([] { Database::mayWaitToReconnect(); });
        m_workers.push_back(std::move(w));
    }
}

DatabaseWorkers::~DatabaseWorkers()
{
    stop();
}

bool DatabaseWorkers::post(quint64 key, std::function<void()> work)
{
    std::lock_guard lock(m_mutex);
    if (m_stopping || m_workers.empty())
        return false; // work is destroyed by the caller's copy going, unrun
    m_workers[key % m_workers.size()]->mailbox->post(std::move(work));
    return true;
}

void DatabaseWorkers::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        m_stopping = true;
    }
    for (const auto &w : m_workers) {
        // Queued after what was posted before: that runs first.
        w->mailbox->call([this] {
            if (m_release)
                m_release();
            m_db.closeThreadConnection();
        });
        w->mailbox->deleteLater(); // on its thread, as that thread finishes
        w->thread.quit();
        w->thread.wait();
        w->mailbox = nullptr;
    }
}

} // namespace marquee
