#pragma once

#include "core/adminbackend.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace marquee::ui {

// One row per cache category (AdminSnapshot::categories).
class CacheModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Category, Entries, Size, Hits, Misses, Stale, Expired, Ttl, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setCategories(const QList<CacheCategoryView> &categories);
    const QList<CacheCategoryView> &categories() const { return m_rows; }
    static QString categoryTitle(const QString &category); // translated

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<CacheCategoryView> m_rows;
};

// The catalogue cache: a table per category, purge one or all (after confirmation), prune the
// expired entries. The actions go to the server's thread; their results come back as messages.
class CachePage : public QWidget
{
    Q_OBJECT
public:
    CachePage(AdminBackend &backend, QWidget *parent = nullptr);
    void update(const AdminSnapshot &snapshot);
    CacheModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

    // The buttons' actions (the confirmation first, unless `confirm` says otherwise).
    void purgeSelected();
    void purgeAll();
    void pruneExpired();
    // Tests: answer confirmations without a dialog.
    void setConfirmation(std::function<bool(const QString &question)> confirm)
    {
        m_confirm = std::move(confirm);
    }

private:
    bool confirm(const QString &question);

    AdminBackend &m_backend;
    CacheModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_purge = nullptr;
    std::function<bool(const QString &)> m_confirm;
};

} // namespace marquee::ui
