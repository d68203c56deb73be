#include "cachepage.h"

#include "format.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace marquee::ui {

QString CacheModel::categoryTitle(const QString &category)
{
    if (category == QLatin1String("trending"))
        return tr("Trending");
    if (category == QLatin1String("lists"))
        return tr("Lists (popular, top rated…)");
    if (category == QLatin1String("details"))
        return tr("Details");
    if (category == QLatin1String("reference"))
        return tr("Reference (genres, configuration)");
    if (category == QLatin1String("search"))
        return tr("Search");
    return category;
}

void CacheModel::setCategories(const QList<CacheCategoryView> &categories)
{
    if (categories.size() == m_rows.size()) {
        m_rows = categories;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = categories;
    endResetModel();
}

int CacheModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CacheModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CacheModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const CacheCategoryView &c = m_rows.at(index.row());
    if (role == Qt::TextAlignmentRole)
        return index.column() == Category ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                          : int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return c.category;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Category:
        return categoryTitle(c.category);
    case Entries:
        return formatCount(c.entries);
    case Size:
        return formatBytes(c.bytes);
    case Hits:
        return formatCount(qint64(c.hits));
    case Misses:
        return formatCount(qint64(c.misses));
    case Stale:
        return formatCount(qint64(c.stale));
    case Expired:
        return formatCount(c.expired);
    case Ttl:
        return formatDuration(c.ttlSeconds);
    }
    return {};
}

QVariant CacheModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case Category:
        return tr("Category");
    case Entries:
        return tr("Entries");
    case Size:
        return tr("Size");
    case Hits:
        return tr("Hits");
    case Misses:
        return tr("Misses");
    case Stale:
        return tr("Served expired");
    case Expired:
        return tr("Expired");
    case Ttl:
        return tr("Kept fresh for");
    }
    return {};
}

CachePage::CachePage(AdminBackend &backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
{
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_model = new CacheModel(this);
    m_view = new QTableView;
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(CacheModel::Category, QHeaderView::Stretch);
    m_view->setAlternatingRowColors(true);
    layout->addWidget(m_view, 1);
    auto *help = new QLabel(
        tr("Entries are what TMDB answered, kept so the next request costs no call to TMDB. "
           "An expired entry is refreshed on the next request and is served only when TMDB "
           "cannot be reached. Purging is safe: entries come back as they are asked for."));
    help->setWordWrap(true);
    layout->addWidget(help);
    auto *buttons = new QHBoxLayout;
    m_purge = new QPushButton(tr("Purge category…"));
    m_purge->setEnabled(false);
    auto *purgeAllButton = new QPushButton(tr("Purge all…"));
    auto *prune = new QPushButton(tr("Prune expired"));
    buttons->addWidget(m_purge);
    buttons->addWidget(purgeAllButton);
    buttons->addWidget(prune);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(m_purge, &QPushButton::clicked, this, &CachePage::purgeSelected);
    connect(purgeAllButton, &QPushButton::clicked, this, &CachePage::purgeAll);
    connect(prune, &QPushButton::clicked, this, &CachePage::pruneExpired);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { m_purge->setEnabled(m_view->selectionModel()->hasSelection()); });
}

void CachePage::update(const AdminSnapshot &s)
{
    m_model->setCategories(s.categories); // same rows: dataChanged, the selection stays
    m_summary->setText(
        tr("Hit ratio %1 · hits: %2 · misses: %3 · served expired: %4 · calls to TMDB: %5 · "
           "calls saved: %6 · in memory: %7 (%8)")
            .arg(formatPercent(s.health.cacheHitRatio), formatCount(qint64(s.cacheHits)),
                formatCount(qint64(s.cacheMisses)), formatCount(qint64(s.cacheStale)),
                formatCount(qint64(s.upstreamCalls)), formatCount(qint64(s.upstreamCallsSaved)),
                formatCount(s.memoryEntries), formatBytes(s.memoryBytes)));
}

bool CachePage::confirm(const QString &question)
{
    if (m_confirm)
        return m_confirm(question);
    return askPlain(this, tr("Purge the cache?"), question);
}

void CachePage::purgeSelected()
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid())
        return;
    const QString category = m_model->index(index.row(), 0).data(Qt::UserRole).toString();
    if (!confirm(tr("Remove every cached answer in “%1”? They are fetched from TMDB again when "
                    "asked for.")
                     .arg(CacheModel::categoryTitle(category))))
        return;
    AdminCommand c;
    c.kind = AdminCommand::Kind::PurgeCategory;
    c.category = category;
    m_backend.submit(c);
}

void CachePage::purgeAll()
{
    if (!confirm(tr("Remove every cached TMDB answer? Until the cache fills again, every "
                    "request costs a call to TMDB.")))
        return;
    AdminCommand c;
    c.kind = AdminCommand::Kind::PurgeAll;
    m_backend.submit(c);
}

void CachePage::pruneExpired()
{
    AdminCommand c;
    c.kind = AdminCommand::Kind::PruneExpired;
    m_backend.submit(c);
}

} // namespace marquee::ui
