<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>marquee::ui::AdminWindow</name>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marquee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit Marquee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping: finishing the requests in flight…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serving at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Purged %n cache entries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pruned %n expired cache entries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Signed the user out of %n session(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Deleted the user and their lists</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::CacheModel</name>
    <message>
        <source>Trending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lists (popular, top rated…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference (genres, configuration)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Misses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stale serves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fresh for</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::CachePage</name>
    <message>
        <source>Entries are what TMDB answered, kept so the next request costs no call to TMDB. An expired entry is refreshed on the next request and is served only when TMDB cannot be reached. Purging is safe: entries come back as they are asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Purge category…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Purge all…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prune expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hit ratio %1 · %2 hits, %3 misses, %4 stale serves · %5 calls to TMDB, %6 saved · memory layer: %7 entries, %8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Purge the cache?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove every cached “%1” answer? They are fetched from TMDB again when asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove every cached TMDB answer? Until the cache fills again, every request costs a call to TMDB.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::DashboardPage</name>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TMDB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency p50 / p99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TMDB calls saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watchlist / favorites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copies the address other devices on your network use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests and latency, last 10 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Degraded: database unavailable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Degraded: TMDB unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::Format</name>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogsPage</name>
    <message>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Level filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Paused: %n new line(s) waiting</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) were dropped by the log buffer before they could be shown</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::SettingsPage</name>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>.env file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>command line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Database:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Settings file:&lt;/b&gt; %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (not there yet: create it to change a setting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To change a setting, write NAME=value on a line of the settings file (or set the environment variable, or pass a command-line flag, which win over the file) and restart Marquee. Secrets are shown masked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrafficChart</name>
    <message>
        <source>Requests per second and latency over the last ten minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10 min ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>requests/s (left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p50 latency (right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>p99 latency (right)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrayIcon</name>
    <message>
        <source>Open admin window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy LAN address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open API documentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marquee: %1
%2
%3 requests served</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::UiApp</name>
    <message>
        <source>Stop the server?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing this window stops the Marquee server: apps using it lose their connection. Stop the server?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marquee is still running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server keeps serving in the background. Open the window again from the tray icon; Quit there stops the server.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersModel</name>
    <message>
        <source>Clerk user id: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no email)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active sessions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersPage</name>
    <message>
        <source>Filter by email, name or Clerk id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign out everywhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ends every session of this user: their apps must sign in again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deletes the user with their watchlist and favorites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the users: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No users yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1–%2 of %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete user?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete %1 with their watchlist (%2) and favorites (%3)? This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
