#include "settingspage.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace marquee::ui {

QString SettingsPage::originTitle(const QString &origin)
{
    if (origin == QLatin1String("default"))
        return tr("default");
    if (origin == QLatin1String(".env"))
        return tr(".env file");
    if (origin == QLatin1String("environment"))
        return tr("environment");
    if (origin == QLatin1String("flag"))
        return tr("command line");
    return origin;
}

SettingsPage::SettingsPage(const UiOptions &options, QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    const bool envExists = QFileInfo::exists(options.envFile);
    auto *where = new QLabel(
        tr("<b>Database:</b> %1<br><b>Settings file:</b> %2%3")
            .arg(options.database.toHtmlEscaped(), options.envFile.toHtmlEscaped(),
                envExists ? QString() : tr(" (not there yet: create it to change a setting)")));
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    where->setWordWrap(true);
    layout->addWidget(where);
    auto *how = new QLabel(
        tr("To change a setting, write NAME=value on a line of the settings file (or set the "
           "environment variable, or pass a command-line flag, which take precedence over the "
           "file) and "
           "restart Marquee. Secrets are shown masked."));
    how->setWordWrap(true);
    layout->addWidget(how);

    m_table = new QTableWidget(int(options.settings.size()), 3);
    m_table->setHorizontalHeaderLabels({tr("Variable"), tr("Value"), tr("Set by")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    for (int row = 0; row < options.settings.size(); ++row) {
        const SettingView &s = options.settings.at(row);
        auto *name = new QTableWidgetItem(s.name);
        name->setToolTip(s.description);
        auto *value = new QTableWidgetItem(s.value.isEmpty() ? tr("(not set)") : s.value);
        value->setToolTip(s.description);
        if (s.value.isEmpty())
            value->setForeground(m_table->palette().color(QPalette::PlaceholderText));
        auto *origin = new QTableWidgetItem(originTitle(s.origin));
        m_table->setItem(row, 0, name);
        m_table->setItem(row, 1, value);
        m_table->setItem(row, 2, origin);
    }
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);
}

} // namespace marquee::ui
