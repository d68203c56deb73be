#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace marquee {

// TMDB's image files (https://image.tmdb.org/t/p/{size}/{file}) on disk, for the LAN
// (docs/api.md, "Image cache"). One folder per size; a file is written whole to a temporary name
// and renamed into place (QSaveFile), so a crash never leaves a torn file under a served name, and
// leftovers (anything whose name is not a valid image name) are removed at start. The index lives
// in memory, least recently used first out once the files pass the cap. Concurrent misses for
// one file share one download (single flight). Downloads have their own throttle: at most
// kMaxDownloads at once, the rest queued; a request that waited or ran past the upstream timeout
// fails as unreachable. Runs on the event loop's thread.
class ImageCache : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString directory;
        qint64 capBytes = 1024LL * 1024 * 1024;
        QString baseUrl = QStringLiteral("https://image.tmdb.org/t/p");
        int timeoutMs = 10000;
    };
    struct Stats
    {
        qint64 files = 0;
        qint64 bytes = 0;
        quint64 hits = 0;
        quint64 misses = 0;
        quint64 upstreamErrors = 0;
    };
    struct Entry
    {
        QString path; // absolute
        qint64 size = 0;
        QByteArray etag; // quoted
        quint64 lastUse = 0;
    };
    // NotStored: downloaded, but the cache folder could not take it (unwritable, disk full).
    enum class Outcome { Ok, NotFound, Unavailable, NotStored };
    using Callback = std::function<void(Outcome, const Entry &)>;

    // At most as many as QNetworkAccessManager opens to one host (6): more would queue inside Qt,
    // where the deadline of a queued one runs out unseen.
    static constexpr int kMaxDownloads = 6;
    // An image bigger than this is refused (TMDB's originals are a few MB).
    static constexpr qint64 kMaxFileBytes = 32LL * 1024 * 1024;

    explicit ImageCache(Options options, QObject *parent = nullptr);
    ~ImageCache() override;
    Q_DISABLE_COPY_MOVE(ImageCache)

    static bool isValidFile(const QString &file);
    static QString defaultDirectory(); // next to the default database
    static QString contentType(const QString &file);
    // Hits, misses and upstream errors are counted across restarts in this file of the folder,
    // written a few seconds after they change and when the cache is destroyed.
    static constexpr const char *kCountersFile = "counters.json";

    // A cached file (counted as a hit and made most recent), or a download (a miss) whose outcome
    // comes later through `done`, on the event loop.
    void get(const QString &size, const QString &file, Callback done);
    // Whether the file is on disk here (get() would answer it at once, as a hit).
    bool contains(const QString &size, const QString &file) const
    {
        return m_entries.contains(size + QLatin1Char('/') + file);
    }

    Stats stats() const;
    // Removes every cached file; returns how many.
    qint64 clear();
    // Files and bytes of a folder, without a running server (`marquee cache stats`).
    static Stats scan(const QString &directory); // with the counters last written

    static qint64 clearDirectory(const QString &directory);

private:
    struct Waiting
    {
        QString size;
        QString file;
        qint64 queuedAtMs;
    };
    void load();
    void pump();
    void start(const QString &key, const Waiting &w);
    void finish(const QString &key, Outcome outcome, const Entry &entry);
    void store(const QString &key, const QString &size, const QString &file,
        const QByteArray &bytes, Entry *entry);
    void evict(const QString &keep);
    static QByteArray etagFor(qint64 size, qint64 mtimeMs);
    void countersChanged();
    void saveCounters();

    Options m_options;
    QNetworkAccessManager *m_nam;
    QHash<QString, Entry> m_entries; // "size/file"
    qint64 m_bytes = 0;
    quint64 m_clock = 0;
    quint64 m_hits = 0;
    quint64 m_misses = 0;
    quint64 m_upstreamErrors = 0;
    QHash<QString, std::vector<Callback>> m_waiters; // single flight
    std::deque<std::pair<QString, Waiting>> m_queue;
    int m_running = 0;
    QElapsedTimer m_monotonic;
    QTimer m_saveTimer;
};

} // namespace marquee
