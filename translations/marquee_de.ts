<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>marquee::ui::AdminWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Cache</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokolle</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Marquee</source>
        <translation>Marquee</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>Fenster &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit Marquee</source>
        <translation>Marquee &amp;beenden</translation>
    </message>
    <message>
        <source>Stopping: finishing the requests in flight…</source>
        <translation>Wird beendet: Laufende Anfragen werden noch abgeschlossen…</translation>
    </message>
    <message>
        <source>Serving at %1</source>
        <translation>In Betrieb unter %1</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Deleted the user and their lists</source>
        <translation>Benutzer samt Listen gelöscht</translation>
    </message>
    <message>
        <source>Cache entries removed: %1</source>
        <translation>Entfernte Cache-Einträge: %1</translation>
    </message>
    <message>
        <source>Expired cache entries removed: %1</source>
        <translation>Entfernte abgelaufene Cache-Einträge: %1</translation>
    </message>
    <message>
        <source>User signed out; sessions ended: %1</source>
        <translation>Benutzer abgemeldet; beendete Sitzungen: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CacheModel</name>
    <message>
        <source>Trending</source>
        <translation>Im Trend</translation>
    </message>
    <message>
        <source>Lists (popular, top rated…)</source>
        <translation>Listen (beliebt, am besten bewertet…)</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Reference (genres, configuration)</source>
        <translation>Referenzdaten (Genres, Konfiguration)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Einträge</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>Misses</source>
        <translation>Fehltreffer</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Served expired</source>
        <translation>Abgelaufen verwendet</translation>
    </message>
    <message>
        <source>Kept fresh for</source>
        <translation>Gültigkeitsdauer</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CachePage</name>
    <message>
        <source>Entries are what TMDB answered, kept so the next request costs no call to TMDB. An expired entry is refreshed on the next request and is served only when TMDB cannot be reached. Purging is safe: entries come back as they are asked for.</source>
        <translation>Einträge sind gespeicherte Antworten von TMDB. So kostet die nächste Anfrage keinen Aufruf bei TMDB. Ein abgelaufener Eintrag wird bei der nächsten Anfrage aufgefrischt und nur dann verwendet, wenn TMDB nicht erreichbar ist. Leeren ist unbedenklich: Die Einträge kommen zurück, sobald sie wieder angefragt werden.</translation>
    </message>
    <message>
        <source>Purge category…</source>
        <translation>Kategorie leeren…</translation>
    </message>
    <message>
        <source>Purge all…</source>
        <translation>Alles leeren…</translation>
    </message>
    <message>
        <source>Prune expired</source>
        <translation>Abgelaufene entfernen</translation>
    </message>
    <message>
        <source>Purge the cache?</source>
        <translation>Cache leeren?</translation>
    </message>
    <message>
        <source>Remove every cached TMDB answer? Until the cache fills again, every request costs a call to TMDB.</source>
        <translation>Alle gespeicherten TMDB-Antworten entfernen? Bis sich der Cache wieder gefüllt hat, kostet jede Anfrage einen Aufruf bei TMDB.</translation>
    </message>
    <message>
        <source>Hit ratio %1 · hits: %2 · misses: %3 · served expired: %4 · calls to TMDB: %5 · calls saved: %6 · in memory: %7 (%8)</source>
        <translation>Trefferquote %1 · Treffer: %2 · Fehltreffer: %3 · abgelaufen verwendet: %4 · Aufrufe bei TMDB: %5 · eingesparte Aufrufe: %6 · Einträge im Arbeitsspeicher: %7 (%8)</translation>
    </message>
    <message>
        <source>Remove every cached answer in “%1”? They are fetched from TMDB again when asked for.</source>
        <translation>Alle gespeicherten Antworten der Kategorie „%1“ entfernen? Sie werden bei Bedarf erneut von TMDB abgerufen.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::DashboardPage</name>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Betriebszeit</translation>
    </message>
    <message>
        <source>TMDB</source>
        <translation>TMDB</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Anfragen pro Sekunde</translation>
    </message>
    <message>
        <source>Latency p50 / p99</source>
        <translation>Latenz p50 / p99</translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation>Cache-Trefferquote</translation>
    </message>
    <message>
        <source>TMDB calls saved</source>
        <translation>Eingesparte TMDB-Aufrufe</translation>
    </message>
    <message>
        <source>Database size</source>
        <translation>Datenbankgröße</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Watchlist / favorites</source>
        <translation>Merkliste / Favoriten</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>Beantwortete Anfragen</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>Adresse kopieren</translation>
    </message>
    <message>
        <source>Copies the address other devices on your network use</source>
        <translation>Kopiert die Adresse, die andere Geräte in Ihrem Netzwerk verwenden</translation>
    </message>
    <message>
        <source>Requests and latency, last 10 minutes</source>
        <translation>Anfragen und Latenz der letzten 10 Minuten</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird beendet…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Degraded: database unavailable</source>
        <translation>Eingeschränkt: Datenbank nicht verfügbar</translation>
    </message>
    <message>
        <source>Degraded: TMDB unreachable</source>
        <translation>Eingeschränkt: TMDB nicht erreichbar</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>In Betrieb</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Demo catalogue</source>
        <translation>Demokatalog</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>marquee::ui::Format</name>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 Tg. %2 Std.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 Tg.</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Ebene</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>fatal</source>
        <translation>Schwerwiegend</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogsPage</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Alles</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>Informationen und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Level filter</source>
        <translation>Filter nach Ebene</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Protokoll durchsuchen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Copy selected</source>
        <translation>Auswahl kopieren</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Paused · new lines waiting: %1</source>
        <translation>Pausiert · wartende neue Zeilen: %1</translation>
    </message>
    <message>
        <source>Lines the log buffer dropped before they could be shown: %1</source>
        <translation>Zeilen, die der Protokollpuffer vor der Anzeige verworfen hat: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::SettingsPage</name>
    <message>
        <source>default</source>
        <translation>Standardwert</translation>
    </message>
    <message>
        <source>.env file</source>
        <translation>.env-Datei</translation>
    </message>
    <message>
        <source>environment</source>
        <translation>Umgebungsvariable</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>Befehlszeile</translation>
    </message>
    <message>
        <source>&lt;b&gt;Database:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Settings file:&lt;/b&gt; %2%3</source>
        <translation>&lt;b&gt;Datenbank:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Einstellungsdatei:&lt;/b&gt; %2%3</translation>
    </message>
    <message>
        <source> (not there yet: create it to change a setting)</source>
        <translation> (noch nicht vorhanden: Legen Sie sie an, um eine Einstellung zu ändern)</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>(nicht gesetzt)</translation>
    </message>
    <message>
        <source>To change a setting, write NAME=value on a line of the settings file (or set the environment variable, or pass a command-line flag, which take precedence over the file) and restart Marquee. Secrets are shown masked.</source>
        <translation>Um eine Einstellung zu ändern, schreiben Sie NAME=Wert in eine eigene Zeile der Einstellungsdatei (oder setzen Sie die Umgebungsvariable bzw. übergeben Sie eine Befehlszeilenoption; beide haben Vorrang vor der Datei) und starten Sie Marquee neu. Geheime Werte werden maskiert angezeigt.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrafficChart</name>
    <message>
        <source>Requests per second and latency over the last ten minutes</source>
        <translation>Anfragen pro Sekunde und Latenz in den letzten zehn Minuten</translation>
    </message>
    <message>
        <source>10 min ago</source>
        <translation>vor 10 min</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>requests/s (left)</source>
        <translation>Anfragen/s (links)</translation>
    </message>
    <message>
        <source>p50 latency (right)</source>
        <translation>p50-Latenz (rechts)</translation>
    </message>
    <message>
        <source>p99 latency (right)</source>
        <translation>p99-Latenz (rechts)</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrayIcon</name>
    <message>
        <source>Open admin window</source>
        <translation>Verwaltungsfenster öffnen</translation>
    </message>
    <message>
        <source>Copy LAN address</source>
        <translation>LAN-Adresse kopieren</translation>
    </message>
    <message>
        <source>Open API documentation</source>
        <translation>API-Dokumentation öffnen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>In Betrieb</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Eingeschränkt</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Wird beendet</translation>
    </message>
    <message>
        <source>Marquee: %1
%2
Requests served: %3</source>
        <translation>Marquee: %1
%2
Beantwortete Anfragen: %3</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UiApp</name>
    <message>
        <source>Stop the server?</source>
        <translation>Server beenden?</translation>
    </message>
    <message>
        <source>Closing this window stops the Marquee server: apps using it lose their connection. Stop the server?</source>
        <translation>Wenn Sie dieses Fenster schließen, wird der Marquee-Server beendet: Apps, die ihn nutzen, verlieren die Verbindung. Server beenden?</translation>
    </message>
    <message>
        <source>Marquee is still running</source>
        <translation>Marquee läuft weiter</translation>
    </message>
    <message>
        <source>The server keeps serving in the background. Open the window again from the tray icon; “Quit” in its menu stops the server.</source>
        <translation>Der Server läuft im Hintergrund weiter. Sie können das Fenster über das Symbol im Infobereich wieder öffnen; mit „Beenden“ in dessen Menü beenden Sie den Server.</translation>
    </message>
    <message>
        <source>Marquee is already running</source>
        <translation>Marquee läuft bereits</translation>
    </message>
    <message>
        <source>Marquee already answers at %1.</source>
        <translation>Marquee antwortet bereits unter %1.</translation>
    </message>
    <message>
        <source>Marquee %1 already answers at %2.</source>
        <translation>Marquee %1 antwortet bereits unter %2.</translation>
    </message>
    <message>
        <source>It is the system service (marquee.service), and this app does not start a second server beside it. Its settings are in /etc/marquee/marquee.env; &quot;sudo systemctl restart marquee&quot; applies them, &quot;sudo systemctl stop marquee&quot; stops it, and &quot;journalctl -u marquee&quot; shows its log.</source>
        <translation>Es ist der Systemdienst (marquee.service); diese App startet keinen zweiten Server daneben. Seine Einstellungen stehen in /etc/marquee/marquee.env; &quot;sudo systemctl restart marquee&quot; übernimmt sie, &quot;sudo systemctl stop marquee&quot; beendet ihn, und &quot;journalctl -u marquee&quot; zeigt sein Protokoll.</translation>
    </message>
    <message>
        <source>Another Marquee window or command started it, and this app does not start a second server on the same address. Use the one running, quit it first, or give this one another PORT.</source>
        <translation>Ein anderes Marquee-Fenster oder ein Befehl hat ihn gestartet; diese App startet keinen zweiten Server unter derselben Adresse. Verwenden Sie den laufenden, beenden Sie ihn zuerst, oder geben Sie diesem einen anderen PORT.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersModel</name>
    <message>
        <source>Clerk user id: %1</source>
        <translation>Clerk-Benutzer-ID: %1</translation>
    </message>
    <message>
        <source>(no email)</source>
        <translation>(keine E-Mail-Adresse)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt am</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt aktiv</translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation>Merkliste</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>Favoriten</translation>
    </message>
    <message>
        <source>Active sessions</source>
        <translation>Aktive Sitzungen</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersPage</name>
    <message>
        <source>Filter by email, name or Clerk id</source>
        <translation>Nach E-Mail, Name oder Clerk-ID filtern</translation>
    </message>
    <message>
        <source>Filter users</source>
        <translation>Benutzer filtern</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Sign out everywhere</source>
        <translation>Überall abmelden</translation>
    </message>
    <message>
        <source>Ends every session of this user: their apps must sign in again</source>
        <translation>Beendet alle Sitzungen dieses Benutzers: Die Apps müssen sich erneut anmelden</translation>
    </message>
    <message>
        <source>Delete user…</source>
        <translation>Benutzer löschen…</translation>
    </message>
    <message>
        <source>Deletes the user with their watchlist and favorites</source>
        <translation>Löscht den Benutzer samt Merkliste und Favoriten</translation>
    </message>
    <message>
        <source>Cannot read the users: %1</source>
        <translation>Benutzer können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No users yet</source>
        <translation>Noch keine Benutzer</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>%1–%2 of %3</source>
        <translation>%1–%2 von %3</translation>
    </message>
    <message>
        <source>Delete user?</source>
        <translation>Benutzer löschen?</translation>
    </message>
    <message>
        <source>Delete %1 with their watchlist (%2) and favorites (%3)? This cannot be undone.</source>
        <translation>%1 samt Merkliste (%2) und Favoriten (%3) löschen? Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
</context>
</TS>
