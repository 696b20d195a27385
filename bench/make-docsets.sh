#!/usr/bin/env bash
# bench/make-docsets.sh - build the benchmark document sets from the corpus.
#
# Usage: bench/make-docsets.sh [CORPUS] OUT
#   CORPUS  the fetched corpus (default ~/.cache/tusach-corpus, see
#           shared/corpus/README.md "Document sets used by the benchmarks")
#   OUT     where to build OUT/mixed, OUT/mail and OUT/handbook
#
# Sets (relative paths inside the corpus are kept, so nothing collides):
#   mixed    all EPUB (42) + all PDF (463) + handbook en-US and vi-VN *.html
#            (254) + manpages-vi txt renderings (135) + State of the Union (233)
#            = 1,127 files, ~203.5 MB
#   mail     the 6,046 spam-assassin mails (.txt), ~32.5 MB
#   handbook the 254 handbook en-US + vi-VN *.html, ~4.7 MB
#
# Files are hard links (cp -l), falling back to real copies when OUT is on
# another file system. Not symlinks: tusach's folder walk skips symlinks.
# Any existing OUT/<set> is replaced. Prints the file count and MB of each set.
set -euo pipefail

if [ $# -eq 1 ]; then
    CORPUS="${HOME}/.cache/tusach-corpus"
    OUT="$1"
elif [ $# -eq 2 ]; then
    CORPUS="$1"
    OUT="$2"
else
    echo "usage: $0 [CORPUS] OUT" >&2
    exit 2
fi
CORPUS="$(cd "$CORPUS" && pwd)"
for d in epub pdf html/debian-handbook/en-US html/debian-handbook/vi-VN \
         text/manpages-vi/txt text/sotu text/spam-assassin; do
    if [ ! -d "$CORPUS/$d" ]; then
        echo "make-docsets: $CORPUS/$d missing (run shared/corpus/fetch.sh)" >&2
        exit 1
    fi
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# list_<set>: NUL-separated corpus-relative paths of the set's files.
list_mixed() {
    find epub -type f -name '*.epub' -print0
    find pdf -type f -name '*.pdf' -print0
    list_handbook
    find text/manpages-vi/txt -type f -name '*.txt' -print0
    find text/sotu -type f -name '*.txt' -print0
}
list_mail() {
    find text/spam-assassin -type f -name '*.txt' -print0
}
list_handbook() {
    find html/debian-handbook/en-US html/debian-handbook/vi-VN -maxdepth 1 -type f \
        -name '*.html' -print0
}

LINK_MODE=hardlink
build_set() { # name
    local name="$1" dest="$OUT/$1"
    rm -rf "$dest"
    mkdir -p "$dest"
    if [ "$LINK_MODE" = hardlink ]; then
        if ! (cd "$CORPUS" && "list_$name" | sort -z |
              xargs -0 -r cp -l --parents -t "$dest" 2>/dev/null); then
            echo "make-docsets: hard links failed (other file system?), copying" >&2
            LINK_MODE=copy
            rm -rf "$dest"
            mkdir -p "$dest"
        fi
    fi
    if [ "$LINK_MODE" = copy ]; then
        (cd "$CORPUS" && "list_$name" | sort -z | xargs -0 -r cp --parents -t "$dest")
    fi
    local files bytes
    files=$(find "$dest" -type f | wc -l)
    bytes=$(find "$dest" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    awk -v n="$name" -v f="$files" -v b="$bytes" -v d="$dest" -v m="$LINK_MODE" \
        'BEGIN { printf "%-9s %6d files %8.1f MB (%d bytes, %s) %s\n", n, f, b / 1e6, b, m, d }'
}

build_set mixed
build_set mail
build_set handbook
