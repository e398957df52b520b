# Folder unity builds: with ROSTER_ENRICH_UNITY_FOLDERS, each source folder of a target compiles as
# one unit, so nlohmann/json, CLI11 and doctest are parsed and instantiated once per folder rather
# than once per file. It cuts the CPU time of a full build by about half (most of it goes to those
# headers), which is what lets the sanitized build run in CI (scripts/test.sh). The default build
# keeps one unit per file, so a missing #include still fails to compile somewhere.
option(ROSTER_ENRICH_UNITY_FOLDERS "Compile each source folder of a target as one unit" OFF)

# roster_enrich_unity_by_folder(TARGET [ALWAYS FOLDER...] [EXCEPT FOLDER...]): groups TARGET's
# sources by folder when ROSTER_ENRICH_UNITY_FOLDERS is on; the ALWAYS folders are grouped in every
# build, the EXCEPT folders never (their files define helpers of the same name).
function(roster_enrich_unity_by_folder target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "ALWAYS;EXCEPT")
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(grouped OFF)
  foreach(source ${sources})
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir} OUTPUT_VARIABLE absolute)
    cmake_path(GET absolute PARENT_PATH folder)
    cmake_path(GET folder FILENAME folder_name)
    if(folder_name IN_LIST arg_EXCEPT)
      continue()
    endif()
    if(ROSTER_ENRICH_UNITY_FOLDERS OR folder_name IN_LIST arg_ALWAYS)
      set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES UNITY_GROUP ${folder_name})
      set(grouped ON)
    endif()
  endforeach()
  if(grouped)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  endif()
endfunction()
