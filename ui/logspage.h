#pragma once

#include "core/adminbackend.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace marquee::ui {

// The lines the view holds: appended in batches, the oldest dropped beyond a cap, so a burst of
// thousands of lines a second costs one model update per poll, not one per line.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Level, Category, Message, ColumnCount };
    static constexpr int kDefaultCap = 5000;

    explicit LogModel(QObject *parent = nullptr)
        : QAbstractTableModel(parent)
    { }
    void setCap(int cap) { m_cap = cap; }
    int cap() const { return m_cap; }
    void append(const QList<LogEntry> &lines);
    void clear();
    const LogEntry &line(int row) const { return m_lines.at(size_t(row)); }
    quint64 lastId() const { return m_lines.empty() ? 0 : m_lines.back().id; }

    static int severity(const QString &level); // debug 0 .. fatal 4
    static QString levelTitle(const QString &level); // translated

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    std::deque<LogEntry> m_lines;
    int m_cap = kDefaultCap;
};

// Level and text filter over LogModel.
class LogFilter : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMinimumSeverity(int severity);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
    int m_minimum = 0;
    QString m_text;
};

// A live tail of the server's log (the bounded log buffer, read by id: nothing missed, nothing
// twice), with a level filter, text search, pause/resume and copy.
class LogsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kPollMs = 100;

    LogsPage(AdminBackend &backend, QWidget *parent = nullptr);

    void poll(); // reads new lines now (the timer does every kPollMs)
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    void copySelected();

    LogModel *model() const { return m_model; }
    LogFilter *filter() const { return m_filter; }
    QTableView *view() const { return m_view; }
    QComboBox *levelBox() const { return m_level; }
    QLineEdit *searchBox() const { return m_search; }
    quint64 lastSeenId() const { return m_lastId; }
    qint64 missedLines() const { return m_missed; } // lines the buffer dropped before we read them

private:
    void flushPending();

    AdminBackend &m_backend;
    LogModel *m_model = nullptr;
    LogFilter *m_filter = nullptr;
    QTableView *m_view = nullptr;
    QComboBox *m_level = nullptr;
    QLineEdit *m_search = nullptr;
    QPushButton *m_pause = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_timer = nullptr;
    QList<LogEntry> m_pending; // read while paused
    quint64 m_lastId = 0;
    qint64 m_missed = 0;
    bool m_paused = false;
};

} // namespace marquee::ui
