# SOCI 4.0.3 on Debian 12 ships no CMake config and no pkg-config file.
# Provides SOCI::core, SOCI::sqlite3 and SOCI::postgresql.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY soci_core)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(Boost 1.74 REQUIRED)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY
                                  SOCI_SQLITE3_LIBRARY SOCI_POSTGRESQL_LIBRARY)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES IMPORTED_LOCATION ${SOCI_CORE_LIBRARY}
                        INTERFACE_INCLUDE_DIRECTORIES ${SOCI_INCLUDE_DIR})
  # SOCI's public headers include Boost headers (SOCI_HAVE_BOOST is defined).
  target_link_libraries(SOCI::core INTERFACE Boost::headers ${CMAKE_DL_LIBS})
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES IMPORTED_LOCATION ${SOCI_SQLITE3_LIBRARY})
  target_link_libraries(SOCI::sqlite3 INTERFACE SOCI::core SQLite::SQLite3)
  add_library(SOCI::postgresql UNKNOWN IMPORTED)
  set_target_properties(SOCI::postgresql PROPERTIES IMPORTED_LOCATION ${SOCI_POSTGRESQL_LIBRARY})
  target_link_libraries(SOCI::postgresql INTERFACE SOCI::core PostgreSQL::PostgreSQL)
endif()
