#include "userspage.h"

#include "format.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace marquee::ui {

void UsersModel::setUsers(const QList<UserView> &users)
{
    beginResetModel();
    m_users = users;
    endResetModel();
}

const UserView *UsersModel::user(int row) const
{
    return row >= 0 && row < m_users.size() ? &m_users.at(row) : nullptr;
}

int UsersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

int UsersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    const UserView *u = index.isValid() ? user(index.row()) : nullptr;
    if (!u)
        return {};
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Watchlist ? int(Qt::AlignRight | Qt::AlignVCenter)
                                           : int(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("Clerk user id: %1").arg(u->clerkId);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Email:
        return u->email.isEmpty() ? tr("(no email)") : u->email;
    case Name:
        return u->name;
    case Created:
        return formatDateTime(u->createdAt);
    case LastSeen:
        return formatDateTime(u->lastSeenAt);
    case Watchlist:
        return formatCount(u->watchlist);
    case Favorites:
        return formatCount(u->favorites);
    case Sessions:
        return formatCount(u->activeSessions);
    }
    return {};
}

QVariant UsersModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case Email:
        return tr("Email");
    case Name:
        return tr("Name");
    case Created:
        return tr("Created");
    case LastSeen:
        return tr("Last seen");
    case Watchlist:
        return tr("Watchlist");
    case Favorites:
        return tr("Favorites");
    case Sessions:
        return tr("Active sessions");
    }
    return {};
}

UsersPage::UsersPage(AdminBackend &backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_filter = new QLineEdit;
    m_filter->setPlaceholderText(tr("Filter by email, name or Clerk id"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter users"));
    top->addWidget(m_filter, 1);
    m_position = new QLabel;
    m_position->setTextFormat(Qt::PlainText); // a database error's text is not markup
    top->addWidget(m_position);
    m_previous = new QPushButton(tr("Previous"));
    m_next = new QPushButton(tr("Next"));
    top->addWidget(m_previous);
    top->addWidget(m_next);
    layout->addLayout(top);

    m_model = new UsersModel(this);
    m_view = new QTableView;
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(UsersModel::Email, QHeaderView::Stretch);
    m_view->setAlternatingRowColors(true);
    layout->addWidget(m_view, 1);

    auto *buttons = new QHBoxLayout;
    m_signOut = new QPushButton(tr("Sign out everywhere"));
    m_signOut->setToolTip(tr("Ends every session of this user: their apps must sign in again"));
    m_delete = new QPushButton(tr("Delete user…"));
    m_delete->setToolTip(tr("Deletes the user with their watchlist and favorites"));
    buttons->addWidget(m_signOut);
    buttons->addWidget(m_delete);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        m_offset = 0;
        reload();
    });
    connect(m_filter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_previous, &QPushButton::clicked, this, &UsersPage::previousPage);
    connect(m_next, &QPushButton::clicked, this, &UsersPage::nextPage);
    connect(m_signOut, &QPushButton::clicked, this, &UsersPage::signOutSelected);
    connect(m_delete, &QPushButton::clicked, this, &UsersPage::deleteSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &UsersPage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &UsersPage::updateButtons);
    updateButtons();
}

void UsersPage::reload()
{
    UserQuery q;
    q.filter = m_filter->text();
    q.offset = m_offset;
    q.limit = kPageSize;
    m_waitingFor = m_backend.queryUsers(q);
}

void UsersPage::refresh()
{
    const UserPage page = m_backend.usersPage();
    if (page.requestId == 0 || page.requestId == m_shown || page.requestId < m_waitingFor)
        return; // nothing new, or an answer to a question superseded since
    m_shown = page.requestId;
    m_waitingFor = 0;
    if (!page.error.isEmpty()) {
        m_position->setText(tr("Cannot read the users: %1").arg(page.error));
        m_model->setUsers({}); // no stale rows to act on
        return;
    }
    m_total = page.total;
    m_offset = page.query.offset;
    if (page.users.isEmpty() && m_offset > 0 && m_total > 0) {
        // The page emptied (its last user deleted): show the one before.
        m_offset = qMax<qint64>(0, ((m_total - 1) / kPageSize) * kPageSize);
        reload();
        return;
    }
    // Keep the selected user selected across a reload (e.g. after signing them out).
    const UserView *selected = m_model->user(m_view->currentIndex().row());
    const qint64 selectedId = selected ? selected->id : 0;
    m_model->setUsers(page.users);
    for (int row = 0; row < page.users.size(); ++row)
        if (page.users.at(row).id == selectedId)
            m_view->selectRow(row);
    if (m_total == 0)
        m_position->setText(page.query.filter.isEmpty() ? tr("No users yet") : tr("No match"));
    else
        m_position->setText(
            tr("%1–%2 of %3")
                .arg(formatCount(m_offset + 1), formatCount(m_offset + page.users.size()),
                    formatCount(m_total)));
    m_previous->setEnabled(m_offset > 0);
    m_next->setEnabled(m_offset + page.users.size() < m_total);
}

void UsersPage::nextPage()
{
    if (m_offset + kPageSize >= m_total)
        return;
    m_offset += kPageSize;
    reload();
}

void UsersPage::previousPage()
{
    if (m_offset == 0)
        return;
    m_offset = qMax<qint64>(0, m_offset - kPageSize);
    reload();
}

void UsersPage::updateButtons()
{
    const bool one
        = m_model->user(m_view->currentIndex().row()) && m_view->selectionModel()->hasSelection();
    m_signOut->setEnabled(one);
    m_delete->setEnabled(one);
}

bool UsersPage::confirm(const QString &title, const QString &question)
{
    if (m_confirm)
        return m_confirm(question);
    return askPlain(this, title, question);
}

void UsersPage::signOutSelected()
{
    const UserView *u = m_model->user(m_view->currentIndex().row());
    if (!u)
        return;
    AdminCommand c;
    c.kind = AdminCommand::Kind::SignOutUser;
    c.userId = u->id;
    m_backend.submit(c);
}

void UsersPage::deleteSelected()
{
    const UserView *selected = m_model->user(m_view->currentIndex().row());
    if (!selected)
        return;
    // A copy: the dialog runs an event loop, and a page arriving meanwhile replaces the model's.
    const UserView u = *selected;
    const QString who = u.email.isEmpty() ? u.clerkId : u.email;
    if (!confirm(tr("Delete user?"),
            tr("Delete %1 with their watchlist (%2) and favorites (%3)? This cannot be undone.")
                .arg(who, formatCount(u.watchlist), formatCount(u.favorites))))
        return;
    AdminCommand c;
    c.kind = AdminCommand::Kind::DeleteUser;
    c.userId = u.id;
    m_backend.submit(c);
}

} // namespace marquee::ui
