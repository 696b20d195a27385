# TS_SANITIZE=ON: ASan + UBSan, abort on the first report; LeakSanitizer comes with ASan.
if(TS_SANITIZE)
  set(TS_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${TS_SAN_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()
