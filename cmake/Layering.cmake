# One static library per src/ folder (roster_enrich_FOLDER), linked only to the folders the "may
# include" column of ARCHITECTURE.md's table allows: that column is the one place the layering is
# written, and tests/docs/layering.py checks every #include against the same column and, on the built
# libraries, every symbol a folder uses (a static link alone misses a call into a folder it may not
# link when another library has pulled that object in already). The edges of layering_allowlist.txt
# (violations known when this landed, each to be removed) are linked too, so the tree links
# meanwhile; deleting an entry removes its edge.

# roster_enrich_layering_table(): sets ROSTER_ENRICH_FOLDERS (table order) and, for each folder F,
# ROSTER_ENRICH_LINKS_F (the folders F may include) in the caller's scope.
function(roster_enrich_layering_table)
  set(architecture ${PROJECT_SOURCE_DIR}/ARCHITECTURE.md)
  set(allowlist ${PROJECT_SOURCE_DIR}/tests/docs/layering_allowlist.txt)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${architecture})
  if(EXISTS ${allowlist})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${allowlist})
  endif()
  file(STRINGS ${architecture} rows REGEX "^\\| `src/[a-z_]+/` \\|")
  set(folders "")
  foreach(row IN LISTS rows)
    string(REGEX REPLACE "^\\| `src/([a-z_]+)/` \\|.*$" "\\1" folder "${row}")
    string(REGEX REPLACE "^.*\\| ([^|]*) \\|[ ]*$" "\\1" cell "${row}")
    string(REPLACE "`" "" cell "${cell}")
    string(STRIP "${cell}" cell)
    set(links "")
    if(cell STREQUAL "everything above")
      set(links ${folders})
    elseif(NOT cell STREQUAL "nothing of ours")
      string(REPLACE "," ";" items "${cell}")
      foreach(item IN LISTS items)
        string(STRIP "${item}" item)
        string(REGEX REPLACE "/.*$" "" item "${item}")  # engine/observer.hpp: links engine
        list(APPEND links ${item})
      endforeach()
    endif()
    list(APPEND folders ${folder})
    set(links_${folder} ${links})
  endforeach()
  if(NOT folders)
    message(FATAL_ERROR "ARCHITECTURE.md: no '| `src/FOLDER/` | job | may include |' rows found")
  endif()
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/src/*)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/src/${child} AND NOT child IN_LIST folders)
      message(FATAL_ERROR "src/${child}/ has no row in ARCHITECTURE.md's folder table: add one saying "
                          "what it may include (its library links exactly that)")
    endif()
  endforeach()
  set(entries "")
  if(EXISTS ${allowlist})  # a source tree without tests/ still builds
    file(STRINGS ${allowlist} entries REGEX "^src/[a-z_]+/[^ ]+ -> [a-z_]+/")
  endif()
  foreach(entry IN LISTS entries)
    string(REGEX REPLACE "^src/([a-z_]+)/[^ ]+ -> ([a-z_]+)/.*$" "\\1;\\2" edge "${entry}")
    list(GET edge 0 from)
    list(GET edge 1 to)
    if(to IN_LIST folders AND NOT to STREQUAL from)
      list(APPEND links_${from} ${to})
    endif()
  endforeach()
  foreach(folder IN LISTS folders)
    foreach(link IN LISTS links_${folder})
      if(NOT link IN_LIST folders)
        message(FATAL_ERROR
                "ARCHITECTURE.md: src/${folder}/ may include '${link}', which is no folder of the table")
      endif()
    endforeach()
    list(REMOVE_DUPLICATES links_${folder})
    set(ROSTER_ENRICH_LINKS_${folder} ${links_${folder}} PARENT_SCOPE)
  endforeach()
  set(ROSTER_ENRICH_FOLDERS ${folders} PARENT_SCOPE)
endfunction()

# roster_enrich_folder_libraries(): the roster_enrich_FOLDER libraries, each globbing its folder
# (CONFIGURE_DEPENDS, so files added or moved between folders are picked up), and linked as the
# table says. Third-party libraries are linked by CMakeLists.txt, each to the folders allowed it.
function(roster_enrich_folder_libraries)
  roster_enrich_layering_table()
  foreach(folder IN LISTS ROSTER_ENRICH_FOLDERS)
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${folder}/*.cpp)
    if(sources)
      add_library(roster_enrich_${folder} STATIC ${sources})
      set(scope_${folder} PUBLIC)
    else()  # headers only
      add_library(roster_enrich_${folder} INTERFACE)
      set(scope_${folder} INTERFACE)
    endif()
    target_include_directories(roster_enrich_${folder} ${scope_${folder}} ${PROJECT_SOURCE_DIR}/src)
    # Only http/ (User-Agent) and cli/ (--version) read it; every folder keeps it, so each file
    # compiles with the command line it had in the one library before (ccache keeps its objects).
    target_compile_definitions(roster_enrich_${folder} ${scope_${folder}}
                               ROSTER_ENRICH_VERSION="${PROJECT_VERSION}")
    target_link_libraries(roster_enrich_${folder} ${scope_${folder}} roster_enrich_settings)
  endforeach()
  foreach(folder IN LISTS ROSTER_ENRICH_FOLDERS)
    # PUBLIC: a folder's headers include those of the folders it may include.
    list(TRANSFORM ROSTER_ENRICH_LINKS_${folder} PREPEND roster_enrich_ OUTPUT_VARIABLE links)
    target_link_libraries(roster_enrich_${folder} ${scope_${folder}} ${links})
  endforeach()
  set(ROSTER_ENRICH_FOLDERS ${ROSTER_ENRICH_FOLDERS} PARENT_SCOPE)
endfunction()
