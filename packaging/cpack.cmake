# The packages: `cpack` in the build folder (or `cmake --build build --target package`) writes
# marquee_<version>_<arch>.deb and marquee-<version>-Linux.tar.gz into build/packages/, never into
# the source tree. packaging/test-package.sh builds and checks both; packaging/README.md explains.
set(CPACK_PACKAGE_NAME "marquee")
set(CPACK_PACKAGE_VENDOR "The Marquee developers")
set(CPACK_PACKAGE_CONTACT "Marquee developers <maintainers@users.noreply.b-seed-deef218b.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted movie and TV catalogue server with watchlists")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_SOURCE_GENERATOR "")
# Debug symbols are dropped: the packages carry stripped binaries only.
set(CPACK_STRIP_FILES ON)
# Per package: /etc where Debian wants it, the unit's paths for the package's prefix.
set(CPACK_PRE_BUILD_SCRIPTS "${PROJECT_SOURCE_DIR}/packaging/prebuild.cmake")
set(CPACK_MARQUEE_UNIT_TEMPLATE "${PROJECT_SOURCE_DIR}/packaging/marquee.service.in")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Qt's database drivers and platform plugins are plugins, which dpkg-shlibdeps cannot see: SQLite
# is the default database, PostgreSQL is there for DATABASE_URL=postgresql://. The window needs a
# platform plugin that reaches the user's display: without one, `marquee` started from the menu
# finds no display it can use and runs a headless server with no window. Debian 12 ships the xcb
# plugin in libqt6gui6 (a shlibdeps dependency through the window's module), the Wayland one in
# qt6-wayland (suggested) and the rest in qt6-qpa-plugins, which libqt6gui6 itself recommends:
# naming it here keeps the platform plugins among Marquee's own relationships, whichever package
# a later Qt moves them to. The window draws its SVG icon with the SVG icon engine and speaks
# the user's language with Qt's own translations.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6sql6-psql, libqt6svg6, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-translations-l10n, qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles;${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
# The long description, after the summary line (CPACK_PACKAGE_DESCRIPTION_SUMMARY): CPack
# indents it and turns empty lines into " ." as Debian wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Marquee is the complete backend of a Netflix-style app that you run
yourself, on a home server or a laptop. It serves the catalogue of The Movie
Database (TMDB) to the web and TV apps on your network, keeping a copy so
that pages load fast and keep working while TMDB is slow or out of reach,
and it keeps each person's watchlist and favorites. Sign-in is verified with
Clerk. Without a TMDB key it serves a built-in demo catalogue.

The package installs the system service marquee.service, which starts at
once and listens on 127.0.0.1:3000 until HOST is changed in
/etc/marquee/marquee.env, keeping its data in /var/lib/marquee. Started from
the desktop menu, Marquee shows a window and a tray icon with the server's
health, traffic, cache, users and log.")

include(CPack)
