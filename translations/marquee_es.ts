<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>marquee::ui::AdminWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>Panel</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Caché</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Usuarios</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Registros</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Marquee</source>
        <translation>Marquee</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Páginas</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>&amp;Cerrar ventana</translation>
    </message>
    <message>
        <source>&amp;Quit Marquee</source>
        <translation>&amp;Salir de Marquee</translation>
    </message>
    <message>
        <source>Stopping: finishing the requests in flight…</source>
        <translation>Deteniendo: terminando las solicitudes en curso…</translation>
    </message>
    <message>
        <source>Serving at %1</source>
        <translation>En servicio en %1</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Error: %1</translation>
    </message>
    <message>
        <source>Deleted the user and their lists</source>
        <translation>Usuario y sus listas eliminados</translation>
    </message>
    <message>
        <source>Cache entries removed: %1</source>
        <translation>Entradas de caché eliminadas: %1</translation>
    </message>
    <message>
        <source>Expired cache entries removed: %1</source>
        <translation>Entradas caducadas eliminadas de la caché: %1</translation>
    </message>
    <message>
        <source>User signed out; sessions ended: %1</source>
        <translation>Usuario desconectado; sesiones cerradas: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CacheModel</name>
    <message>
        <source>Trending</source>
        <translation>Tendencias</translation>
    </message>
    <message>
        <source>Lists (popular, top rated…)</source>
        <translation>Listas (populares, mejor valorados…)</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Reference (genres, configuration)</source>
        <translation>Datos de referencia (géneros, configuración)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Búsqueda</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>Entradas</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>Aciertos</translation>
    </message>
    <message>
        <source>Misses</source>
        <translation>Fallos</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Caducadas</translation>
    </message>
    <message>
        <source>Served expired</source>
        <translation>Servidas tras caducar</translation>
    </message>
    <message>
        <source>Kept fresh for</source>
        <translation>Vigencia</translation>
    </message>
</context>
<context>
    <name>marquee::ui::CachePage</name>
    <message>
        <source>Entries are what TMDB answered, kept so the next request costs no call to TMDB. An expired entry is refreshed on the next request and is served only when TMDB cannot be reached. Purging is safe: entries come back as they are asked for.</source>
        <translation>Las entradas son las respuestas de TMDB, guardadas para que la siguiente solicitud no requiera ninguna llamada a TMDB. Una entrada caducada se actualiza en la siguiente solicitud y solo se usa cuando no se puede contactar con TMDB. Vaciar la caché es seguro: las entradas vuelven a medida que se solicitan.</translation>
    </message>
    <message>
        <source>Purge category…</source>
        <translation>Vaciar categoría…</translation>
    </message>
    <message>
        <source>Purge all…</source>
        <translation>Vaciar todo…</translation>
    </message>
    <message>
        <source>Prune expired</source>
        <translation>Eliminar caducadas</translation>
    </message>
    <message>
        <source>Purge the cache?</source>
        <translation>¿Vaciar la caché?</translation>
    </message>
    <message>
        <source>Remove every cached TMDB answer? Until the cache fills again, every request costs a call to TMDB.</source>
        <translation>¿Eliminar todas las respuestas de TMDB guardadas en caché? Hasta que la caché se vuelva a llenar, cada solicitud requerirá una llamada a TMDB.</translation>
    </message>
    <message>
        <source>Hit ratio %1 · hits: %2 · misses: %3 · served expired: %4 · calls to TMDB: %5 · calls saved: %6 · in memory: %7 (%8)</source>
        <translation>Tasa de aciertos %1 · aciertos: %2 · fallos: %3 · servidas tras caducar: %4 · llamadas a TMDB: %5 · llamadas ahorradas: %6 · entradas en memoria: %7 (%8)</translation>
    </message>
    <message>
        <source>Remove every cached answer in “%1”? They are fetched from TMDB again when asked for.</source>
        <translation>¿Eliminar todas las respuestas de «%1» guardadas en caché? Se volverán a pedir a TMDB cuando se necesiten.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::DashboardPage</name>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Tiempo activo</translation>
    </message>
    <message>
        <source>TMDB</source>
        <translation>TMDB</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Solicitudes por segundo</translation>
    </message>
    <message>
        <source>Latency p50 / p99</source>
        <translation>Latencia p50 / p99</translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation>Tasa de aciertos de caché</translation>
    </message>
    <message>
        <source>TMDB calls saved</source>
        <translation>Llamadas a TMDB ahorradas</translation>
    </message>
    <message>
        <source>Database size</source>
        <translation>Tamaño de la base de datos</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Usuarios</translation>
    </message>
    <message>
        <source>Watchlist / favorites</source>
        <translation>Lista de seguimiento / favoritos</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>Solicitudes atendidas</translation>
    </message>
    <message>
        <source>Copy address</source>
        <translation>Copiar dirección</translation>
    </message>
    <message>
        <source>Copies the address other devices on your network use</source>
        <translation>Copia la dirección que usan los demás dispositivos de la red</translation>
    </message>
    <message>
        <source>Requests and latency, last 10 minutes</source>
        <translation>Solicitudes y latencia, últimos 10 minutos</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Degraded: database unavailable</source>
        <translation>Funcionamiento limitado: base de datos no disponible</translation>
    </message>
    <message>
        <source>Degraded: TMDB unreachable</source>
        <translation>Funcionamiento limitado: no se puede contactar con TMDB</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>En servicio</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Demo catalogue</source>
        <translation>Catálogo de demostración</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Sin conexión</translation>
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
        <translation>desconocido</translation>
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
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
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
        <translation>Hora</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>debug</source>
        <translation>depuración</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>advertencia</translation>
    </message>
    <message>
        <source>error</source>
        <translation>error</translation>
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
        <translation>Mostrar:</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Todo</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>Información y niveles superiores</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Advertencias y errores</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Solo errores</translation>
    </message>
    <message>
        <source>Level filter</source>
        <translation>Filtro de nivel</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>Buscar en el registro</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Copy selected</source>
        <translation>Copiar selección</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Paused · new lines waiting: %1</source>
        <translation>En pausa · líneas nuevas en espera: %1</translation>
    </message>
    <message>
        <source>Lines the log buffer dropped before they could be shown: %1</source>
        <translation>Líneas que el búfer del registro descartó antes de poder mostrarlas: %1</translation>
    </message>
</context>
<context>
    <name>marquee::ui::SettingsPage</name>
    <message>
        <source>default</source>
        <translation>valor predeterminado</translation>
    </message>
    <message>
        <source>.env file</source>
        <translation>archivo .env</translation>
    </message>
    <message>
        <source>environment</source>
        <translation>variable de entorno</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>línea de comandos</translation>
    </message>
    <message>
        <source>&lt;b&gt;Database:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Settings file:&lt;/b&gt; %2%3</source>
        <translation>&lt;b&gt;Base de datos:&lt;/b&gt; %1&lt;br&gt;&lt;b&gt;Archivo de configuración:&lt;/b&gt; %2%3</translation>
    </message>
    <message>
        <source> (not there yet: create it to change a setting)</source>
        <translation> (aún no existe: hay que crearlo para cambiar un ajuste)</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>Variable</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>(sin definir)</translation>
    </message>
    <message>
        <source>To change a setting, write NAME=value on a line of the settings file (or set the environment variable, or pass a command-line flag, which take precedence over the file) and restart Marquee. Secrets are shown masked.</source>
        <translation>Para cambiar un ajuste, escriba NOMBRE=valor en una línea del archivo de configuración (o defina la variable de entorno o pase una opción de línea de comandos, que tienen prioridad sobre el archivo) y reinicie Marquee. Los valores secretos se muestran ocultos.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrafficChart</name>
    <message>
        <source>Requests per second and latency over the last ten minutes</source>
        <translation>Solicitudes por segundo y latencia en los últimos diez minutos</translation>
    </message>
    <message>
        <source>10 min ago</source>
        <translation>hace 10 min</translation>
    </message>
    <message>
        <source>now</source>
        <translation>ahora</translation>
    </message>
    <message>
        <source>requests/s (left)</source>
        <translation>solicitudes/s (izquierda)</translation>
    </message>
    <message>
        <source>p50 latency (right)</source>
        <translation>latencia p50 (derecha)</translation>
    </message>
    <message>
        <source>p99 latency (right)</source>
        <translation>latencia p99 (derecha)</translation>
    </message>
</context>
<context>
    <name>marquee::ui::TrayIcon</name>
    <message>
        <source>Open admin window</source>
        <translation>Abrir la ventana de administración</translation>
    </message>
    <message>
        <source>Copy LAN address</source>
        <translation>Copiar la dirección en la red local</translation>
    </message>
    <message>
        <source>Open API documentation</source>
        <translation>Abrir la documentación de la API</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>En servicio</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Funcionamiento limitado</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Deteniendo</translation>
    </message>
    <message>
        <source>Marquee: %1
%2
Requests served: %3</source>
        <translation>Marquee: %1
%2
Solicitudes atendidas: %3</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UiApp</name>
    <message>
        <source>Stop the server?</source>
        <translation>¿Detener el servidor?</translation>
    </message>
    <message>
        <source>Closing this window stops the Marquee server: apps using it lose their connection. Stop the server?</source>
        <translation>Al cerrar esta ventana se detiene el servidor de Marquee: las aplicaciones que lo usan pierden la conexión. ¿Detener el servidor?</translation>
    </message>
    <message>
        <source>Marquee is still running</source>
        <translation>Marquee sigue en funcionamiento</translation>
    </message>
    <message>
        <source>The server keeps serving in the background. Open the window again from the tray icon; “Quit” in its menu stops the server.</source>
        <translation>El servidor sigue funcionando en segundo plano. La ventana se puede volver a abrir desde el icono del área de notificación; en su menú, «Salir» detiene el servidor.</translation>
    </message>
    <message>
        <source>Marquee is already running</source>
        <translation>Marquee ya se está ejecutando</translation>
    </message>
    <message>
        <source>Marquee already answers at %1.</source>
        <translation>Marquee ya responde en %1.</translation>
    </message>
    <message>
        <source>Marquee %1 already answers at %2.</source>
        <translation>Marquee %1 ya responde en %2.</translation>
    </message>
    <message>
        <source>It is the system service (marquee.service), and this app does not start a second server beside it. Its settings are in /etc/marquee/marquee.env; &quot;sudo systemctl restart marquee&quot; applies them, &quot;sudo systemctl stop marquee&quot; stops it, and &quot;journalctl -u marquee&quot; shows its log.</source>
        <translation>Es el servicio del sistema (marquee.service): esta aplicación no inicia un segundo servidor a su lado. Su configuración está en /etc/marquee/marquee.env; «sudo systemctl restart marquee» la aplica, «sudo systemctl stop marquee» lo detiene y «journalctl -u marquee» muestra su registro.</translation>
    </message>
    <message>
        <source>Another Marquee window or command started it, and this app does not start a second server on the same address. Use the one running, quit it first, or give this one another PORT.</source>
        <translation>Otra ventana u orden de Marquee lo inició: esta aplicación no inicia un segundo servidor en la misma dirección. Use el que está en marcha, ciérrelo primero o asigne a este otro PORT.</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersModel</name>
    <message>
        <source>Clerk user id: %1</source>
        <translation>ID de usuario de Clerk: %1</translation>
    </message>
    <message>
        <source>(no email)</source>
        <translation>(sin correo electrónico)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creado</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Última actividad</translation>
    </message>
    <message>
        <source>Watchlist</source>
        <translation>Lista de seguimiento</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>Favoritos</translation>
    </message>
    <message>
        <source>Active sessions</source>
        <translation>Sesiones activas</translation>
    </message>
</context>
<context>
    <name>marquee::ui::UsersPage</name>
    <message>
        <source>Filter by email, name or Clerk id</source>
        <translation>Filtrar por correo, nombre o ID de Clerk</translation>
    </message>
    <message>
        <source>Filter users</source>
        <translation>Filtrar usuarios</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Anterior</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Siguiente</translation>
    </message>
    <message>
        <source>Sign out everywhere</source>
        <translation>Cerrar todas las sesiones</translation>
    </message>
    <message>
        <source>Ends every session of this user: their apps must sign in again</source>
        <translation>Cierra todas las sesiones de este usuario: sus aplicaciones deberán volver a iniciar sesión</translation>
    </message>
    <message>
        <source>Delete user…</source>
        <translation>Eliminar usuario…</translation>
    </message>
    <message>
        <source>Deletes the user with their watchlist and favorites</source>
        <translation>Elimina al usuario junto con su lista de seguimiento y sus favoritos</translation>
    </message>
    <message>
        <source>Cannot read the users: %1</source>
        <translation>No se pueden leer los usuarios: %1</translation>
    </message>
    <message>
        <source>No users yet</source>
        <translation>Aún no hay usuarios</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>Sin resultados</translation>
    </message>
    <message>
        <source>%1–%2 of %3</source>
        <translation>%1–%2 de %3</translation>
    </message>
    <message>
        <source>Delete user?</source>
        <translation>¿Eliminar el usuario?</translation>
    </message>
    <message>
        <source>Delete %1 with their watchlist (%2) and favorites (%3)? This cannot be undone.</source>
        <translation>¿Eliminar a %1 junto con su lista de seguimiento (%2) y sus favoritos (%3)? Esta acción no se puede deshacer.</translation>
    </message>
</context>
</TS>
