#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace marquee {

struct Config;

// One configuration variable, as the user sees it. The list of them, configSettings(), is the
// only place a variable is declared: loadConfig() parses by walking it, `marquee --help` lists it,
// configMarkdownTable() renders the README's table from it (tst_config checks README.md and
// .env.example against it) and a settings page can show and edit from it. Adding a variable means
// adding a row there and a field to Config; nothing else lists names.
struct Setting
{
    enum class Kind {
        Text, // free text (keys, ids); see `description` for the form
        Integer, // whole number from `min` to `max`
        Duration, // "90", "30s", "15m", "6h", "7d", "250ms"; `min`/`max` in milliseconds
        ByteSize, // "65536", "64k", "1m"; `min`/`max` in bytes
        Url, // http:// or https:// URL
        List, // comma-separated, white space trimmed, duplicates dropped
        Choice, // one of the words in `description`
    };

    const char *name;
    // An older or alternative name for the same setting, read only when `name` is not set; an
    // error names whichever of the two was used. nullptr: none.
    const char *alias;
    Kind kind;
    qint64 min; // Integer, Duration, ByteSize: the smallest accepted value (see Kind)
    qint64 max; // likewise the largest; 0 = no upper bound
    // What an unset variable means, written as a user would write it in .env ("3000", "3h");
    // empty when unset means "none" or is described by `description`.
    const char *defaultValue;
    const char *description; // one sentence of Markdown for the README and a settings page
    bool secret; // the value must never be shown whole (logs mask it, a settings page too)
    // Parses a trimmed, non-empty value into `config`; returns the reason it cannot be used
    // ("must be ... (got "...")"), empty when it was accepted.
    std::function<QString(const Setting &setting, const QString &value, Config &config)> apply;
    // The value in effect, written as in .env ("3h", "64k"); empty for none. Secrets come back
    // whole (mask them with `secret`); DATABASE_URL comes back without its password.
    std::function<QString(const Config &config)> current;

    QStringList names() const; // name, then alias if any
};

// Every configuration variable, in the order they are read (and documented).
const std::vector<Setting> &configSettings();

// The README's configuration table (Markdown, one row per setting, ends with a newline).
QString configMarkdownTable();

// The `--help` section listing every variable and its default.
QString configHelpText();

} // namespace marquee
