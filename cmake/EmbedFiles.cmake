# ts_embed_files(OUT_C SYMBOL FILES...): compile files into a C table
# `const struct ts_embedded SYMBOL[]` of {name, bytes, len}, terminated by {0}.
# Uses only CMake, so no xxd dependency; regenerated when an input changes.
function(ts_embed_files out_c symbol)
  set(files ${ARGN})
  # a CMake list would split into several arguments: pass it '|'-separated
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out_c}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_c} -DSYMBOL=${symbol} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedRun.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedRun.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
