#pragma once

#include "uimodule.h"

#include <QWidget>

class QTableWidget;

namespace marquee::ui {

// The effective configuration, read-only: every variable, its value (secrets masked), where it
// came from, and how to change one.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPage(const UiOptions &options, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }
    static QString originTitle(const QString &origin); // translated

private:
    QTableWidget *m_table = nullptr;
};

} // namespace marquee::ui
