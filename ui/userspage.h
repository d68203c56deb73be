#pragma once

#include "core/adminbackend.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace marquee::ui {

// One page of users (UserPage), as the server answered it.
class UsersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Email, Name, Created, LastSeen, Watchlist, Favorites, Sessions, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setUsers(const QList<UserView> &users);
    const QList<UserView> &users() const { return m_users; }
    const UserView *user(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<UserView> m_users;
};

// The users this server knows, a page at a time (so thousands never freeze the window: the query
// runs on the server's thread and only one page crosses), with a text filter and two actions:
// sign out everywhere, delete (confirmation naming the email; lists go with the user).
class UsersPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 100;

    UsersPage(AdminBackend &backend, QWidget *parent = nullptr);
    // A new answer may be waiting (called on every backend change).
    void refresh();
    // Asks for the page again (after an action, or when the filter or page changes).
    void reload();

    UsersModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filter() const { return m_filter; }
    qint64 total() const { return m_total; }
    qint64 offset() const { return m_offset; }
    bool waiting() const { return m_waitingFor != 0; }
    void nextPage();
    void previousPage();
    void signOutSelected();
    void deleteSelected();
    void setConfirmation(std::function<bool(const QString &question)> confirm)
    {
        m_confirm = std::move(confirm);
    }

private:
    bool confirm(const QString &title, const QString &question);
    void updateButtons();

    AdminBackend &m_backend;
    UsersModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_position = nullptr;
    QPushButton *m_previous = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_signOut = nullptr;
    QPushButton *m_delete = nullptr;
    QTimer *m_debounce = nullptr;
    quint64 m_waitingFor = 0; // the request whose answer is awaited; 0: none
    quint64 m_shown = 0; // the request whose answer is shown
    qint64 m_offset = 0;
    qint64 m_total = 0;
    std::function<bool(const QString &)> m_confirm;
};

} // namespace marquee::ui
