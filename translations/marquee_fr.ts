<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>marquee::ui::AdminWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Cache</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Journaux</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Marquee</source>
        <translation>Marquee</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>&amp;Fermer la fenêtre</translation>
    </message>
    <message>
        <source>&amp;Quit Marquee</source>
        <translation>&amp;Quitter Marquee</translation>
    </message>
    <message>
        <source>Stopping: finishing the requests in flight…</source>
        <translation>Arrêt en cours&#xa0;: traitement des dernières requêtes reçues…</translation>
    </message>
    <message>
        <source>Serving at %1</source>
        <translation>En service à l’adresse %1</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêté</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec&#xa0;: %1</translation>
    </message>
    <message>
        <source>Deleted the user and their lists</source>
        <translation>Utilisateur et ses listes supprimés</translation>
    </message>
    <message>
        <source>Cache entries removed: %1</source>
        <translation>Entrées du cache supprimées&#xa0;: %1</translation>
    </message>
    <message>
        <source>Expired cache entries removed: %1</source>
        <translation>Entrées expirées supprimées du cache&#xa0;: %1</translation>
    </message>
    <message>
        <source>User signed out; sessions ended: %1</source>
        <translation>Utilisateur déconnecté&#xa0;; sessions fermées&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CacheModel</name>
    <message>
        <source>Trending</source>
        <translation>Tendances</translation>
    </message>
    <message>
        <source>Lists (popular, top rated…)</source>
        <translation>Listes (populaires, les mieux notés…)</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Reference (genres, configuration)</source>
        <translation>Données de référence (genres, configuration)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Recherche</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Entrées</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Succès</translation>
    </message>
    <message>
        <source>Misses</source>
        <translation>Échecs</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expirées</translation>
    </message>
    <message>
        <source>Served expired</source>
        <translation>Servies après expiration</translation>
    </message>
    <message>
        <source>Kept fresh for</source>
        <translation>Durée de validité</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CachePage</name>
    <message>
        <source>Entries are what TMDB answered, kept so the next request costs no call to TMDB. An expired entry is refreshed on the next request and is served only when TMDB cannot be reached. Purging is safe: entries come back as they are asked for.</source>
        <translation>Les entrées sont les réponses de TMDB, conservées pour que la requête suivante ne coûte aucun appel à TMDB. Une entrée expirée est actualisée à la requête suivante et n’est utilisée que si TMDB est injoignable. Vider le cache est sans risque&#xa0;: les entrées reviennent au fur et à mesure qu’elles sont demandées.</translation>
    </message>
    <message>
        <source>Purge category…</source>
        <translation>Vider la catégorie…</translation>
    </message>
    <message>
        <source>Purge all…</source>
        <translation>Tout vider…</translation>
    </message>
    <message>
        <source>Prune expired</source>
        <translation>Supprimer les entrées expirées</translation>
    </message>
    <message>
        <source>Purge the cache?</source>
        <translation>Vider le cache&#xa0;?</translation>
    </message>
    <message>
        <source>Remove every cached TMDB answer? Until the cache fills again, every request costs a call to TMDB.</source>
        <translation>Supprimer toutes les réponses de TMDB du cache&#xa0;? Tant que le cache ne s’est pas rempli à nouveau, chaque requête coûte un appel à TMDB.</translation>
    </message>
    <message>
        <source>Hit ratio %1 · hits: %2 · misses: %3 · served expired: %4 · calls to TMDB: %5 · calls saved: %6 · in memory: %7 (%8)</source>
        <translation>Taux de succès %1 · succès&#xa0;: %2 · échecs&#xa0;: %3 · servies après expiration&#xa0;: %4 · appels à TMDB&#xa0;: %5 · appels évités&#xa0;: %6 · entrées en mémoire&#xa0;: %7 (%8)</translation>
    </message>
    <message>
        <source>Remove every cached answer in “%1”? They are fetched from TMDB again when asked for.</source>
        <translation>Supprimer toutes les réponses en cache de la catégorie «&#xa0;%1&#xa0;»&#xa0;? Elles seront de nouveau demandées à TMDB au besoin.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::DashboardPage</name>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Temps de fonctionnement</translation>
    </message>
    <message>
        <source>TMDB</source>
        <translation>TMDB</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Requêtes par seconde</translation>
    </message>
    <message>
        <source>Latency p50 / p99</source>
        <translation>Latence p50 / p99</translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation>Taux de succès du cache</translation>
    </message>
    <message>
        <source>TMDB calls saved</source>
        <translation>Appels à TMDB évités</translation>
    </message>
    <message>
        <source>Database size</source>
        <translation>Taille de la base de données</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Watchlist / favorites</source>
        <translation>Liste de suivi / favoris</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>Requêtes traitées</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>Copier l’adresse</translation>
    </message>
    <message>
        <source>Copies the address other devices on your network use</source>
        <translation>Copie l’adresse qu’utilisent les autres appareils de votre réseau</translation>
    </message>
    <message>
        <source>Requests and latency, last 10 minutes</source>
        <translation>Requêtes et latence, 10 dernières minutes</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Arrêté</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Arrêt en cours…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Degraded: database unavailable</source>
        <translation>Fonctionnement dégradé&#xa0;: base de données indisponible</translation>
    </message>
    <message>
        <source>Degraded: TMDB unreachable</source>
        <translation>Fonctionnement dégradé&#xa0;: TMDB injoignable</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>En service</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En ligne</translation>
    </message>
    <message>
        <source>Demo catalogue</source>
        <translation>Catalogue de démonstration</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Hors ligne</translation>
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
        <translation>inconnu</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1&#xa0;s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1&#xa0;min %2&#xa0;s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1&#xa0;h %2&#xa0;min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1&#xa0;j %2&#xa0;h</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1&#xa0;ms</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1&#xa0;min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1&#xa0;h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1&#xa0;j</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1&#xa0;%</translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Niveau</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>debug</source>
        <translation>débogage</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>fatal</source>
        <translation>fatal</translation>
    </message>
    <message>
        <source>info</source>
        <translation>info</translation>
    </message>
</context>
<context>
    <name>marquee::ui::LogsPage</name>
    <message>
        <source>Show:</source>
        <translation>Afficher&#xa0;:</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Tout</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>Informations et niveaux supérieurs</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Avertissements et erreurs</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Erreurs uniquement</translation>
    </message>
    <message>
        <source>Level filter</source>
        <translation>Filtre par niveau</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Rechercher dans le journal</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Copy selected</source>
        <translation>Copier la sélection</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>Paused · new lines waiting: %1</source>
        <translation>En pause · nouvelles lignes en attente&#xa0;: %1</translation>
    </message>
    <message>
        <source>Lines the log buffer dropped before they could be shown: %1</source>
        <translation>Lignes perdues par la mémoire tampon du journal avant de pouvoir être affichées&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::SettingsPage</name>
    <message>
        <source>default</source>
        <translation>valeur par défaut</translation>
    </message>
    <message>
        <source>.env file</source>
        <translation>fichier .env</translation>
    </message>
    <message>
        <source>environment</source>
        <translation>variable d’environnement</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>ligne de commande</translation>
    </message>
    <message>
        <source>&lt;b&gt;Database:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Settings file:&lt;/b&gt; %2%3</source>
        <translation>&lt;b&gt;Base de données&#xa0;:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Fichier de paramètres&#xa0;:&lt;/b&gt; %2%3</translation>
    </message>
    <message>
        <source> (not there yet: create it to change a setting)</source>
        <translation> (n’existe pas encore&#xa0;: créez-le pour modifier un paramètre)</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>(non défini)</translation>
    </message>
    <message>
        <source>To change a setting, write NAME=value on a line of the settings file (or set the environment variable, or pass a command-line flag, which take precedence over the file) and restart Marquee. Secrets are shown masked.</source>
        <translation>Pour modifier un paramètre, écrivez NOM=valeur sur une ligne du fichier de paramètres (ou définissez la variable d’environnement, ou passez une option en ligne de commande&#xa0;: elles l’emportent sur le fichier), puis redémarrez Marquee. Les valeurs secrètes sont masquées.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrafficChart</name>
    <message>
        <source>Requests per second and latency over the last ten minutes</source>
        <translation>Requêtes par seconde et latence sur les dix dernières minutes</translation>
    </message>
    <message>
        <source>10 min ago</source>
        <translation>il y a 10&#xa0;min</translation>
    </message>
    <message>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <source>requests/s (left)</source>
        <translation>requêtes/s (à gauche)</translation>
    </message>
    <message>
        <source>p50 latency (right)</source>
        <translation>latence p50 (à droite)</translation>
    </message>
    <message>
        <source>p99 latency (right)</source>
        <translation>latence p99 (à droite)</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrayIcon</name>
    <message>
        <source>Open admin window</source>
        <translation>Ouvrir la fenêtre d’administration</translation>
    </message>
    <message>
        <source>Copy LAN address</source>
        <translation>Copier l’adresse sur le réseau local</translation>
    </message>
    <message>
        <source>Open API documentation</source>
        <translation>Ouvrir la documentation de l’API</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>En service</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Fonctionnement dégradé</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Arrêt en cours</translation>
    </message>
    <message>
        <source>Marquee: %1
%2
Requests served: %3</source>
        <translation>Marquee&#xa0;: %1
%2
Requêtes traitées&#xa0;: %3</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UiApp</name>
    <message>
        <source>Stop the server?</source>
        <translation>Arrêter le serveur&#xa0;?</translation>
    </message>
    <message>
        <source>Closing this window stops the Marquee server: apps using it lose their connection. Stop the server?</source>
        <translation>Fermer cette fenêtre arrête le serveur Marquee&#xa0;: les applications qui l’utilisent perdent leur connexion. Arrêter le serveur&#xa0;?</translation>
    </message>
    <message>
        <source>Marquee is still running</source>
        <translation>Marquee fonctionne toujours</translation>
    </message>
    <message>
        <source>The server keeps serving in the background. Open the window again from the tray icon; “Quit” in its menu stops the server.</source>
        <translation>Le serveur continue de fonctionner en arrière-plan. Rouvrez la fenêtre depuis l’icône de la zone de notification&#xa0;; «&#xa0;Quitter&#xa0;» dans son menu arrête le serveur.</translation>
    </message>
    <message>
        <source>Marquee is already running</source>
        <translation>Marquee est déjà en cours d&apos;exécution</translation>
    </message>
    <message>
        <source>Marquee already answers at %1.</source>
        <translation>Marquee répond déjà à l&apos;adresse %1.</translation>
    </message>
    <message>
        <source>Marquee %1 already answers at %2.</source>
        <translation>Marquee %1 répond déjà à l&apos;adresse %2.</translation>
    </message>
    <message>
        <source>It is the system service (marquee.service), and this app does not start a second server beside it. Its settings are in /etc/marquee/marquee.env; &quot;sudo systemctl restart marquee&quot; applies them, &quot;sudo systemctl stop marquee&quot; stops it, and &quot;journalctl -u marquee&quot; shows its log.</source>
        <translation>C&apos;est le service système (marquee.service) : cette application ne lance pas de second serveur à côté. Ses réglages sont dans /etc/marquee/marquee.env ; « sudo systemctl restart marquee » les applique, « sudo systemctl stop marquee » l&apos;arrête et « journalctl -u marquee » affiche son journal.</translation>
    </message>
    <message>
        <source>Another Marquee window or command started it, and this app does not start a second server on the same address. Use the one running, quit it first, or give this one another PORT.</source>
        <translation>Une autre fenêtre ou commande Marquee l&apos;a lancé : cette application ne lance pas de second serveur à la même adresse. Utilisez celui qui tourne, quittez-le d&apos;abord, ou donnez à celui-ci un autre PORT.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersModel</name>
    <message>
        <source>Clerk user id: %1</source>
        <translation>ID utilisateur Clerk&#xa0;: %1</translation>
    </message>
    <message>
        <source>(no email)</source>
        <translation>(aucune adresse e-mail)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Dernière activité</translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation>Liste de suivi</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>Favoris</translation>
    </message>
    <message>
        <source>Active sessions</source>
        <translation>Sessions actives</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersPage</name>
    <message>
        <source>Filter by email, name or Clerk id</source>
        <translation>Filtrer par e-mail, nom ou ID Clerk</translation>
    </message>
    <message>
        <source>Filter users</source>
        <translation>Filtrer les utilisateurs</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Précédent</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <source>Sign out everywhere</source>
        <translation>Déconnecter partout</translation>
    </message>
    <message>
        <source>Ends every session of this user: their apps must sign in again</source>
        <translation>Met fin à toutes les sessions de cet utilisateur&#xa0;: ses applications devront se reconnecter</translation>
    </message>
    <message>
        <source>Delete user…</source>
        <translation>Supprimer l’utilisateur…</translation>
    </message>
    <message>
        <source>Deletes the user with their watchlist and favorites</source>
        <translation>Supprime l’utilisateur avec sa liste de suivi et ses favoris</translation>
    </message>
    <message>
        <source>Cannot read the users: %1</source>
        <translation>Impossible de lire les utilisateurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>No users yet</source>
        <translation>Aucun utilisateur pour l’instant</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>Aucun résultat</translation>
    </message>
    <message>
        <source>%1–%2 of %3</source>
        <translation>%1–%2 sur %3</translation>
    </message>
    <message>
        <source>Delete user?</source>
        <translation>Supprimer l’utilisateur&#xa0;?</translation>
    </message>
    <message>
        <source>Delete %1 with their watchlist (%2) and favorites (%3)? This cannot be undone.</source>
        <translation>Supprimer %1 avec sa liste de suivi (%2) et ses favoris (%3)&#xa0;? Cette action est irréversible.</translation>
    </message>
</context>
</TS>
