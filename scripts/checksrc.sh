#!/usr/bin/env bash
# scripts/checksrc.sh - house rules a compiler does not check (STYLE.md §12):
# banned functions, every source file starting with a header comment, no
# printf in library modules, clang-format clean.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
files=$(git ls-files 'common/*.[ch]' 'catalog/*.[ch]' 'indexer/*.[ch]' 'indexer/*.cc' \
        'import/*.[ch]' 'cli/*.[ch]' 'server/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' 2>/dev/null)
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atof|strtok|tmpnam|mktemp|system|popen|rand)\s*\('
for f in $files; do
  if grep -nP "$banned" "$f" | grep -v 'checksrc:allow'; then
    echo "checksrc: $f: banned function (see STYLE.md §5)"; fail=1
  fi
  if ! head -c 400 "$f" | grep -q '^/\*\|^//'; then
    echo "checksrc: $f: missing header comment"; fail=1
  fi
done
for f in $(git ls-files 'common/*.c' 'catalog/*.c' 'indexer/*.c' 'import/*.c'); do
  if grep -nP '\bprintf\s*\(' "$f"; then
    echo "checksrc: $f: printf in a library module (use ts_log)"; fail=1
  fi
done
if command -v clang-format >/dev/null; then
  if ! clang-format --dry-run --Werror $(git ls-files 'common/*.[ch]' 'catalog/*.[ch]' 'import/*.[ch]' 'cli/*.[ch]' 'indexer/*.[ch]' 'indexer/*.cc') 2>/tmp/clang-format.out; then
    head -20 /tmp/clang-format.out
    echo "checksrc: clang-format differences (run: clang-format -i on the files above)"; fail=1
  fi
fi
[ $fail = 0 ] && echo "checksrc: ok"
exit $fail
