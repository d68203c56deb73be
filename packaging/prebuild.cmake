# CPack runs this once per package, after installing into the staging folder and before packing.
# The install rules put the configuration under <prefix>/etc and write the unit for the build's
# own prefix; here each package gets what its users expect:
#   .deb     /etc/marquee/marquee.env (a conffile), ExecStart=/usr/bin/marquee
#   .tar.gz  etc/marquee/marquee.env and ExecStart=/usr/local/bin/marquee: unpacked into
#            /usr/local, everything is where the unit looks.
set(root "${CPACK_TEMPORARY_DIRECTORY}")
if(CPACK_GENERATOR STREQUAL "DEB")
  set(prefix "/usr")
  set(MARQUEE_SYSCONFDIR "/etc")
  if(EXISTS "${root}/usr/etc")
    file(RENAME "${root}/usr/etc" "${root}/etc")
  endif()
else()
  set(prefix "")
  set(MARQUEE_SYSCONFDIR "/usr/local/etc")
endif()
if(prefix STREQUAL "")
  set(MARQUEE_BINDIR "/usr/local/bin")
else()
  set(MARQUEE_BINDIR "${prefix}/bin")
endif()
configure_file("${CPACK_MARQUEE_UNIT_TEMPLATE}" "${root}${prefix}/lib/systemd/system/marquee.service"
  @ONLY)
