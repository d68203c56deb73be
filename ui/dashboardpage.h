#pragma once

#include "core/adminbackend.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace marquee::ui {

class TrafficChart;

// The first page: is the server fine, where is it, how busy is it, what does the cache save.
class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);
    void update(AdminBackend::Phase phase, const AdminSnapshot &snapshot);

    // What each tile shows now, by name (status, address, uptime, tmdb, rate, latency, hitRatio,
    // saved, database, users, lists): for tests and screen readers alike.
    QString tileText(const QString &name) const;
    TrafficChart *chart() const { return m_chart; }
    QString copiedAddress() const { return m_address; }

private:
    QLabel *tile(const QString &name, const QString &title, int row, int column);

    QHash<QString, QLabel *> m_tiles;
    QPushButton *m_copy = nullptr;
    TrafficChart *m_chart = nullptr;
    QString m_address;
};

} // namespace marquee::ui
