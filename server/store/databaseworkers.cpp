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
        m_workers.push_back(std::move(w));
    }
}

DatabaseWorkers::~DatabaseWorkers()
{
    stop();
}

void DatabaseWorkers::post(std::function<void()> work)
{
    if (m_stopping.load(std::memory_order_acquire) || m_workers.empty())
        return; // destroyed here, unrun
    const unsigned i = m_next.fetch_add(1, std::memory_order_relaxed) % m_workers.size();
    m_workers[i]->mailbox->post(std::move(work));
}

void DatabaseWorkers::stop()
{
    if (m_stopping.exchange(true))
        return;
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
