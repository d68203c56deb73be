#include "imagecache.h"

#include "config/databaseurl.h"
#include "log/categories.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace marquee {

namespace {

const QRegularExpression &fileName()
{
    // \z, not $: in a QRegularExpression `$` also matches before a final line feed ("a.jpg\n").
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-]+\\.(jpg|png|svg)\\z"));
    return re;
}

const QRegularExpression &sizeName()
{
    static const QRegularExpression re(QStringLiteral("^(w[0-9]{1,4}|h[0-9]{1,4}|original)\\z"));
    return re;
}

QJsonObject readCounters(const QString &directory)
{
    QFile f(directory + QLatin1Char('/') + QLatin1String(ImageCache::kCountersFile));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

ImageCache::ImageCache(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_nam(new QNetworkAccessManager(this))
{
    m_monotonic.start();
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(5000);
    connect(&m_saveTimer, &QTimer::timeout, this, &ImageCache::saveCounters);
    const QJsonObject counters = readCounters(m_options.directory);
    m_hits = quint64(counters.value("hits").toDouble());
    m_misses = quint64(counters.value("misses").toDouble());
    m_upstreamErrors = quint64(counters.value("upstreamErrors").toDouble());
    while (m_options.baseUrl.endsWith(QLatin1Char('/')))
        m_options.baseUrl.chop(1);
    load();
}

ImageCache::~ImageCache()
{
    if (m_saveTimer.isActive())
        saveCounters();
}

void ImageCache::countersChanged()
{
    if (!m_saveTimer.isActive())
        m_saveTimer.start();
}

void ImageCache::saveCounters()
{
    m_saveTimer.stop();
    QSaveFile out(m_options.directory + QLatin1Char('/') + QLatin1String(kCountersFile));
    if (out.open(QIODevice::WriteOnly)) {
        out.write(QJsonDocument(QJsonObject {{"hits", double(m_hits)}, {"misses", double(m_misses)},
                                    {"upstreamErrors", double(m_upstreamErrors)}})
                      .toJson(QJsonDocument::Compact));
        out.commit();
    }
}

bool ImageCache::isValidFile(const QString &file)
{
    return file.size() <= 200 && fileName().match(file).hasMatch();
}

QString ImageCache::defaultDirectory()
{
    return QFileInfo(DatabaseUrl::defaultSqlite().path).absolutePath() + QStringLiteral("/images");
}

QString ImageCache::contentType(const QString &file)
{
    if (file.endsWith(QLatin1String(".png")))
        return QStringLiteral("image/png");
    if (file.endsWith(QLatin1String(".svg")))
        return QStringLiteral("image/svg+xml");
    return QStringLiteral("image/jpeg");
}

QByteArray ImageCache::etagFor(qint64 size, qint64 mtimeMs)
{
    return '"' + QByteArray::number(size, 16) + '-' + QByteArray::number(mtimeMs, 16) + '"';
}

void ImageCache::load()
{
    QDir root(m_options.directory);
    if (!root.mkpath(QStringLiteral(".")))
        qCWarning(lcCache) << "image cache: cannot create" << m_options.directory;
    struct Found
    {
        QString key;
        Entry entry;
        qint64 mtime;
    };
    std::vector<Found> found;
    int removed = 0;
    const auto sizes = root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    for (const QFileInfo &d : sizes) {
        if (!sizeName().match(d.fileName()).hasMatch())
            continue;
        const auto files
            = QDir(d.absoluteFilePath()).entryInfoList(QDir::Files | QDir::Hidden | QDir::System);
        for (const QFileInfo &f : files) {
            // A leftover temporary file of a write cut short: never served, removed.
            if (!isValidFile(f.fileName()) || f.size() == 0) {
                removed += QFile::remove(f.absoluteFilePath()) ? 1 : 0;
                continue;
            }
            const qint64 mtime = f.lastModified().toMSecsSinceEpoch();
            found.push_back({d.fileName() + QLatin1Char('/') + f.fileName(),
                Entry {f.absoluteFilePath(), f.size(), etagFor(f.size(), mtime), 0}, mtime});
        }
    }
    std::sort(found.begin(), found.end(),
        [](const Found &a, const Found &b) { return a.mtime < b.mtime; });
    for (Found &f : found) {
        f.entry.lastUse = ++m_clock;
        m_bytes += f.entry.size;
        m_entries.insert(f.key, f.entry);
    }
    if (removed > 0)
        qCInfo(lcCache) << "image cache: removed" << removed << "leftover temporary file(s)";
    evict(QString());
}

void ImageCache::get(const QString &size, const QString &file, Callback done)
{
    const QString key = size + QLatin1Char('/') + file;
    auto it = m_entries.find(key);
    // Removed behind the server's back (`cache clear --images` while it runs, a cleaner): the
    // entry goes and the file is downloaded again, rather than answered from nothing.
    if (it != m_entries.end() && !QFileInfo::exists(it->path)) {
        m_bytes -= it->size;
        m_entries.erase(it);
        it = m_entries.end();
    }
    if (it != m_entries.end()) {
        ++m_hits;
        countersChanged();
        it->lastUse = ++m_clock;
        done(Outcome::Ok, *it);
        return;
    }
    ++m_misses;
    countersChanged();
    auto &waiters = m_waiters[key];
    waiters.push_back(std::move(done));
    if (waiters.size() > 1)
        return; // single flight: the download under way answers this one too
    m_queue.push_back({key, Waiting {size, file, m_monotonic.elapsed()}});
    pump();
}

void ImageCache::pump()
{
    while (m_running < kMaxDownloads && !m_queue.empty()) {
        auto [key, w] = m_queue.front();
        m_queue.pop_front();
        if (m_monotonic.elapsed() - w.queuedAtMs >= m_options.timeoutMs) {
            finish(key, Outcome::Unavailable, {});
            continue;
        }
        start(key, w);
    }
}

void ImageCache::start(const QString &key, const Waiting &w)
{
    ++m_running;
    QNetworkRequest request(
        QUrl(m_options.baseUrl + QLatin1Char('/') + w.size + QLatin1Char('/') + w.file));
    const int left
        = int(std::max<qint64>(100, m_options.timeoutMs - (m_monotonic.elapsed() - w.queuedAtMs)));
    request.setTransferTimeout(left);
    QNetworkReply *reply = m_nam->get(request);
    // The transfer timeout only measures silence: a host that trickles a byte a second would
    // hold the client far past the upstream timeout. This is the whole download's deadline.
    QTimer::singleShot(left, reply, [reply] {
        if (reply->isRunning())
            reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxFileBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, key, w] {
        reply->deleteLater();
        --m_running;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        // A captive portal's or a proxy's HTML page under a 200 must not be kept for a year.
        const bool isImage = reply->header(QNetworkRequest::ContentTypeHeader)
                                 .toString()
                                 .startsWith(QLatin1String("image/"));
        Entry entry;
        Outcome outcome = Outcome::Unavailable;
        if (status == 404) {
            outcome = Outcome::NotFound;
        } else if (reply->error() != QNetworkReply::NoError || status != 200 || body.isEmpty()
            || !isImage || (length.isValid() && length.toLongLong() != body.size())) {
            ++m_upstreamErrors;
            countersChanged();
            qCWarning(lcCache).noquote() << QStringLiteral("image cache: %1 failed: %2 %3")
                                                .arg(key)
                                                .arg(status)
                                                .arg(reply->errorString());
        } else {
            store(key, w.size, w.file, body, &entry);
            if (!entry.path.isEmpty())
                outcome = Outcome::Ok;
            else
                outcome = Outcome::NotStored;
        }
        finish(key, outcome, entry);
        pump();
    });
}

void ImageCache::store(const QString &key, const QString &size, const QString &file,
    const QByteArray &bytes, Entry *entry)
{
    const QString dir = m_options.directory + QLatin1Char('/') + size;
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + file;
    // A temporary file renamed into place on commit: a crash leaves no torn file under `path`.
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        qCWarning(lcCache) << "image cache: cannot write" << path << out.errorString();
        return;
    }
    const qint64 mtime = QFileInfo(path).lastModified().toMSecsSinceEpoch();
    *entry = Entry {path, bytes.size(), etagFor(bytes.size(), mtime), ++m_clock};
    m_bytes += bytes.size();
    m_entries.insert(key, *entry);
    evict(key);
}

void ImageCache::evict(const QString &keep)
{
    while (m_bytes > m_options.capBytes && m_entries.size() > (keep.isEmpty() ? 0 : 1)) {
        auto oldest = m_entries.end();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
            if (it.key() != keep && (oldest == m_entries.end() || it->lastUse < oldest->lastUse))
                oldest = it;
        }
        if (oldest == m_entries.end())
            break;
        QFile::remove(oldest->path);
        m_bytes -= oldest->size;
        m_entries.erase(oldest);
    }
}

void ImageCache::finish(const QString &key, Outcome outcome, const Entry &entry)
{
    const std::vector<Callback> waiters = m_waiters.take(key);
    for (const Callback &cb : waiters)
        cb(outcome, entry);
}

ImageCache::Stats ImageCache::stats() const
{
    return Stats {m_entries.size(), m_bytes, m_hits, m_misses, m_upstreamErrors};
}

qint64 ImageCache::clear()
{
    const qint64 n = m_entries.size();
    for (const Entry &e : std::as_const(m_entries))
        QFile::remove(e.path);
    m_entries.clear();
    m_bytes = 0;
    m_hits = m_misses = m_upstreamErrors = 0;
    saveCounters();
    return n;
}

ImageCache::Stats ImageCache::scan(const QString &directory)
{
    Stats s;
    QDirIterator it(directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        if (!isValidFile(f.fileName()) || !sizeName().match(f.dir().dirName()).hasMatch())
            continue;
        ++s.files;
        s.bytes += f.size();
    }
    const QJsonObject counters = readCounters(directory);
    s.hits = quint64(counters.value("hits").toDouble());
    s.misses = quint64(counters.value("misses").toDouble());
    s.upstreamErrors = quint64(counters.value("upstreamErrors").toDouble());
    return s;
}

qint64 ImageCache::clearDirectory(const QString &directory)
{
    qint64 n = 0;
    QDirIterator it(directory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        if (!sizeName().match(f.dir().dirName()).hasMatch())
            continue;
        if (QFile::remove(f.absoluteFilePath()) && isValidFile(f.fileName()))
            ++n;
    }
    QFile::remove(directory + QLatin1Char('/') + QLatin1String(kCountersFile));
    return n;
}

} // namespace marquee
