# Warning flags for every target (STYLE.md section 12).
set(TS_C_WARNINGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wvla)
set(TS_CXX_WARNINGS -Wall -Wextra -Wshadow -Wformat=2)
if(TS_WERROR)
  list(APPEND TS_C_WARNINGS -Werror)
  list(APPEND TS_CXX_WARNINGS -Werror)
endif()
add_compile_options("$<$<COMPILE_LANGUAGE:C>:${TS_C_WARNINGS}>"
                    "$<$<COMPILE_LANGUAGE:CXX>:${TS_CXX_WARNINGS}>")
