#!/usr/bin/env bash
# scripts/check-api-docs.sh - every route in server/routes.c has a docs/api/*.md
# page naming it as `METHOD PATTERN`, and every page has the sections NAME,
# REQUEST, RESPONSE, ERRORS, ROLE and EXAMPLE with a curl command (STYLE.md §12).
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
routes=$(grep -oE '^\s*\{"[A-Z]+",\s*"[^"]+"' server/routes.c |
         sed -E 's/^\s*\{"([A-Z]+)",\s*"([^"]+)"/\1 \2/')
if [ -z "$routes" ]; then
  echo "check-api-docs: no routes found in server/routes.c"; exit 1
fi
while IFS= read -r r; do
  if ! grep -qF "\`$r\`" docs/api/*.md 2>/dev/null; then
    echo "check-api-docs: route '$r' has no page in docs/api/ (a page naming \`$r\`)"; fail=1
  fi
done <<< "$routes"
for f in docs/api/*.md; do
  for s in NAME REQUEST RESPONSE ERRORS ROLE EXAMPLE; do
    grep -q "^## $s\$" "$f" || { echo "check-api-docs: $f: no '## $s' section"; fail=1; }
  done
  sed -n '/^## EXAMPLE$/,$p' "$f" | grep -q 'curl ' ||
    { echo "check-api-docs: $f: EXAMPLE has no curl command"; fail=1; }
done
[ $fail = 0 ] && echo "check-api-docs: ok ($(echo "$routes" | wc -l) routes)"
exit $fail
