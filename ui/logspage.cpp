#include "logspage.h"

#include "format.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace marquee::ui {

int LogModel::severity(const QString &level)
{
    static const QStringList order {QStringLiteral("debug"), QStringLiteral("info"),
        QStringLiteral("warning"), QStringLiteral("error"), QStringLiteral("fatal")};
    const int i = int(order.indexOf(level));
    return i < 0 ? 1 : i;
}

QString LogModel::levelTitle(const QString &level)
{
    switch (severity(level)) {
    case 0:
        return tr("debug");
    case 2:
        return tr("warning");
    case 3:
        return tr("error");
    case 4:
        return tr("fatal");
    default:
        return tr("info");
    }
}

void LogModel::append(const QList<LogEntry> &lines)
{
    if (lines.isEmpty())
        return;
    // Only the last `cap` of a huge batch can be shown anyway.
    const qsizetype skip = qMax<qsizetype>(0, lines.size() - m_cap);
    const int incoming = int(lines.size() - skip);
    const int overflow = int(m_lines.size()) + incoming - m_cap;
    if (overflow > 0) {
        const int drop = qMin(overflow, int(m_lines.size()));
        beginRemoveRows({}, 0, drop - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + drop);
        endRemoveRows();
    }
    const int first = int(m_lines.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (qsizetype i = skip; i < lines.size(); ++i)
        m_lines.push_back(lines.at(i));
    endInsertRows();
}

void LogModel::clear()
{
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_lines.size()))
        return {};
    const LogEntry &e = m_lines.at(size_t(index.row()));
    if (role == Qt::ForegroundRole && index.column() == Level) {
        const int s = severity(e.level);
        if (s >= 3)
            return QColor(0xd0, 0x30, 0x30);
        if (s == 2)
            return QColor(0xb0, 0x6a, 0x00);
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Time:
        return e.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Level:
        return role == Qt::DisplayRole ? levelTitle(e.level) : e.level;
    case Category:
        return e.category;
    case Message:
        return e.message;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Level:
        return tr("Level");
    case Category:
        return tr("Source");
    case Message:
        return tr("Message");
    }
    return {};
}

void LogFilter::setMinimumSeverity(int severity)
{
    m_minimum = severity;
    invalidateFilter();
}

void LogFilter::setText(const QString &text)
{
    m_text = text;
    invalidateFilter();
}

bool LogFilter::filterAcceptsRow(int row, const QModelIndex &) const
{
    const auto *model = static_cast<const LogModel *>(sourceModel());
    const LogEntry &e = model->line(row);
    if (LogModel::severity(e.level) < m_minimum)
        return false;
    return m_text.isEmpty() || e.message.contains(m_text, Qt::CaseInsensitive)
        || e.category.contains(m_text, Qt::CaseInsensitive);
}

LogsPage::LogsPage(AdminBackend &backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show:")));
    m_level = new QComboBox;
    m_level->addItem(tr("Everything"), 0);
    m_level->addItem(tr("Information and above"), 1);
    m_level->addItem(tr("Warnings and errors"), 2);
    m_level->addItem(tr("Errors only"), 3);
    m_level->setAccessibleName(tr("Level filter"));
    top->addWidget(m_level);
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search the log"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the log"));
    top->addWidget(m_search, 1);
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setCheckable(true);
    auto *copy = new QPushButton(tr("Copy selected"));
    top->addWidget(m_pause);
    top->addWidget(copy);
    layout->addLayout(top);

    m_model = new LogModel(this);
    m_filter = new LogFilter(this);
    m_filter->setSourceModel(m_model);
    m_view = new QTableView;
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_view->setColumnWidth(LogModel::Time,
        m_view->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000")) + 16);
    m_view->setColumnWidth(
        LogModel::Level, m_view->fontMetrics().horizontalAdvance(QStringLiteral("warning")) + 16);
    m_view->setColumnWidth(LogModel::Category,
        m_view->fontMetrics().horizontalAdvance(QStringLiteral("marquee.access")) + 16);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_view->setFont(mono);
    layout->addWidget(m_view, 1);
    m_status = new QLabel;
    layout->addWidget(m_status);

    connect(m_level, &QComboBox::currentIndexChanged, this,
        [this] { m_filter->setMinimumSeverity(m_level->currentData().toInt()); });
    connect(m_search, &QLineEdit::textChanged, m_filter, &LogFilter::setText);
    connect(m_pause, &QPushButton::toggled, this, &LogsPage::setPaused);
    connect(copy, &QPushButton::clicked, this, &LogsPage::copySelected);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &LogsPage::poll);
    m_timer->start(kPollMs);
    poll();
}

void LogsPage::poll()
{
    const QList<LogEntry> lines = m_backend.logLinesAfter(m_lastId);
    if (lines.isEmpty())
        return;
    // Ids are consecutive: a gap is what the bounded buffer dropped before this read.
    if (m_lastId != 0 && lines.first().id > m_lastId + 1)
        m_missed += qint64(lines.first().id - m_lastId - 1);
    m_lastId = lines.last().id;
    m_pending += lines;
    if (!m_paused)
        flushPending();
    else if (m_pending.size() > m_model->cap()) {
        // Paused longer than the view can hold: the oldest waiting lines are dropped, and said.
        const qsizetype drop = m_pending.size() - m_model->cap();
        m_pending.remove(0, drop);
        m_missed += qint64(drop);
    }
    m_status->setText(m_paused
            ? tr("Paused · new lines waiting: %1").arg(formatCount(m_pending.size()))
            : (m_missed > 0 ? tr("Lines the log buffer dropped before they could be shown: %1")
                                  .arg(formatCount(m_missed))
                            : QString()));
}

void LogsPage::flushPending()
{
    QScrollBar *bar = m_view->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 2;
    m_model->append(m_pending);
    m_pending.clear();
    if (atBottom)
        m_view->scrollToBottom();
}

void LogsPage::setPaused(bool paused)
{
    m_paused = paused;
    m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    if (!paused) {
        flushPending();
        m_status->clear();
    }
}

void LogsPage::copySelected()
{
    QStringList out;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    for (const QModelIndex &r : rows) {
        const LogEntry &e = m_model->line(m_filter->mapToSource(r).row());
        out << QStringLiteral("%1 %2 %3: %4")
                   .arg(e.time.toUTC().toString(Qt::ISODateWithMs), e.level, e.category, e.message);
    }
    if (!out.isEmpty())
        QApplication::clipboard()->setText(out.join(QLatin1Char('\n')) + QLatin1Char('\n'));
}

} // namespace marquee::ui
