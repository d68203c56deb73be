#include "commandline.h"

#include "config/settings.h"

#include <QRegularExpression>

namespace marquee {

CommandLine CommandLine::parse(const QStringList &args)
{
    CommandLine cl;
    // Flags that set a configuration variable; `--name=value` and `--name value` both work.
    static const QHash<QString, QString> valueFlags {
        {QStringLiteral("--port"), QStringLiteral("PORT")},
        {QStringLiteral("-p"), QStringLiteral("PORT")},
        {QStringLiteral("--host"), QStringLiteral("HOST")},
        {QStringLiteral("--database-url"), QStringLiteral("DATABASE_URL")},
        {QStringLiteral("--log-level"), QStringLiteral("LOG_LEVEL")},
        {QStringLiteral("--env"), QStringLiteral("NODE_ENV")},
        {QStringLiteral("--tmdb-base-url"), QStringLiteral("TMDB_BASE_URL")},
        {QStringLiteral("--allowed-origins"), QStringLiteral("ALLOWED_ORIGINS")},
    };
    for (int i = 1; i < args.size(); ++i) {
        QString arg = args.at(i);
        QString inlineValue;
        bool hasInline = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            inlineValue = arg.section(QLatin1Char('='), 1);
            arg = arg.section(QLatin1Char('='), 0, 0);
            hasInline = true;
        }
        auto takeValue = [&](QString *out) {
            if (hasInline) {
                *out = inlineValue;
                return true;
            }
            if (i + 1 >= args.size()) {
                cl.error = QStringLiteral("%1 needs a value").arg(arg);
                return false;
            }
            *out = args.at(++i);
            return true;
        };
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            cl.help = true;
        } else if (arg == QLatin1String("-v") || arg == QLatin1String("--version")) {
            cl.version = true;
        } else if (arg == QLatin1String("--headless")) {
            cl.headless = true;
        } else if (arg == QLatin1String("--yes") || arg == QLatin1String("-y")) {
            cl.yes = true;
        } else if (arg == QLatin1String("--images")) {
            cl.images = true;
        } else if (arg == QLatin1String("--lang")) {
            if (!takeValue(&cl.language))
                return cl;
            // A language code as --lang de or fr_CA, or as $LANG writes it (de_DE.UTF-8,
            // ca_ES@valencia): the encoding and modifier say nothing about the language.
            static const QRegularExpression code(QStringLiteral(
                "^([a-z]{2,3}(?:[_-][A-Za-z]{2,4})?)(?:\\.[A-Za-z0-9-]+)?(?:@[A-Za-z0-9]+)?$"));
            const QRegularExpressionMatch m = code.match(cl.language);
            if (!m.hasMatch()) {
                cl.error = QStringLiteral(
                    "--lang needs a language code such as de or fr_CA (got \"%1\")")
                               .arg(cl.language.left(40));
                return cl;
            }
            cl.language = m.captured(1);
        } else if (arg == QLatin1String("--from")) {
            if (!takeValue(&cl.from))
                return cl;
        } else if (arg == QLatin1String("--env-file")) {
            if (!takeValue(&cl.envFile))
                return cl;
        } else if (arg == QLatin1String("--set") || arg == QLatin1String("-s")) {
            QString kv;
            if (!takeValue(&kv))
                return cl;
            const int eq = kv.indexOf(QLatin1Char('='));
            if (eq <= 0) {
                cl.error = QStringLiteral("--set needs NAME=VALUE");
                return cl;
            }
            cl.settings.insert(kv.left(eq), kv.mid(eq + 1));
        } else if (valueFlags.contains(arg)) {
            QString v;
            if (!takeValue(&v))
                return cl;
            cl.settings.insert(valueFlags.value(arg), v);
        } else if (arg.startsWith(QLatin1Char('-'))) {
            cl.error = QStringLiteral("unknown option %1 (see --help)").arg(arg);
            return cl;
        } else {
            cl.command << arg;
        }
    }
    return cl;
}

QString CommandLine::usage()
{
    return QStringLiteral(R"(Usage: marquee [command] [options]

Marquee: a self-hosted backend for a Netflix-style app (TMDB catalogue, watchlists, favorites).

Commands:
  (none)                 start the server; with a display, also the tray icon and admin window
  migrate                apply pending database migrations
  migrate status         show applied and pending migrations (exit 1 while any is pending)
  db reset --yes         delete ALL data and re-create the schema (refuses without --yes)
  cache stats            catalogue cache entries and bytes per category, image cache files
  cache clear            empty the catalogue cache
  cache clear --images   empty the image cache (run it while the server is stopped)
  cache prune            remove expired catalogue cache entries
  users list             list the users this server knows
  import --from <url>    copy users, watchlists and favorites from the original Node/Prisma
                         backend's PostgreSQL database (read-only; running it again adds nothing)
  routes                 print every route the server answers (METHOD /pattern)
Only the server, migrate and db reset change the schema: the other commands refuse
(exit 1) on a database that needs migrating (run "marquee migrate" before an import).

Options:
  --headless             never open a window (also when no display is found, and for commands)
  --lang <code>          the window's language: en, de, fr or es (default: the system's)
  -p, --port <port>      listen port (PORT, default 3000)
  --host <address>       listen address (HOST, default 127.0.0.1; 0.0.0.0 for the LAN)
  --database-url <url>   sqlite:///abs/path.db, file:./dev.db or postgresql://user:pass@host/db
  --log-level <level>    debug, info, warning or error (LOG_LEVEL)
  --env <name>           development, production or test (NODE_ENV)
  --env-file <path>      dotenv file to read (default ./.env)
  -s, --set NAME=VALUE   set any configuration variable (see README)
  -h, --help             show this help
  -v, --version          show the version

)") + configHelpText()
        + QStringLiteral(R"(
Configuration comes from flags, then the environment, then .env in the working directory.
)");
}

} // namespace marquee
