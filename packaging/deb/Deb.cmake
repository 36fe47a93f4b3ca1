# The .deb for people who do not use pip, built by CPack from the static release build
# (SHARDPLAN_STATIC_DEPS; `scripts/deb.sh`). It installs
#   /usr/bin/shardplan
#   /usr/lib/python3/dist-packages/shardplan_pytest.py            the pytest plugin
#   /usr/lib/python3/dist-packages/shardplan-VERSION.dist-info/    METADATA + entry_points.txt
# The dist-info's pytest11 entry point makes Debian's pytest load the plugin by itself, under the
# name `shardplan_pytest`, so `shardplan run`'s own `-p shardplan_pytest` stays a no-op.
if(NOT SHARDPLAN_STATIC_DEPS)
  return()
endif()

set(_python_dir lib/python3/dist-packages)
set(_dist_info ${CMAKE_CURRENT_BINARY_DIR}/deb/shardplan-${PROJECT_VERSION}.dist-info)
configure_file(${CMAKE_CURRENT_LIST_DIR}/METADATA.in ${_dist_info}/METADATA @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/entry_points.txt ${_dist_info}/entry_points.txt COPYONLY)

install(TARGETS shardplan RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/python/shardplan_pytest.py DESTINATION ${_python_dir})
install(DIRECTORY ${_dist_info} DESTINATION ${_python_dir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shardplan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "split a pytest suite into N balanced CI shards")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "The shardplan developers")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY on the Description line, then this text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "shardplan plans whole test files (and slices of heavy ones) into N CI jobs that finish\n"
    "together, runs each job's share through its pytest plugin, and proves after the run that\n"
    "every test ran exactly once. The plugin is registered with Debian's pytest.")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION ${CPACK_DEBIAN_PACKAGE_DESCRIPTION})
# The binary links only glibc: dpkg-shlibdeps turns its symbol versions into libc6 (>= 2.X).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-pytest")
include(CPack)
