#!/usr/bin/env bash
# scripts/check-deploy.sh - validate the deployment files without a Docker engine
# or a running systemd (neither runs on the project's machines):
#   1. docker-compose.yml (+ the "import" profile, + docker-compose.shard.yml) with
#      Debian 12's docker-compose 1.29: `docker-compose config`, and what the
#      hub and import services must contain;
#   2. Dockerfile: Debian 12 base, built with scripts/install-deps.sh (the script
#      CI runs), and its runtime package list covers every library the built
#      binary links (when build/cli/tusach exists);
#   3. dist/tusach.service: `systemd-analyze verify` with no warnings, the
#      hardening options, and `systemd-analyze security --offline` exposure <= 2.0;
#   4. dist/tusach.conf.example: `key = value` lines with known keys.
# Tools: docker-compose, systemd (systemd-analyze), python3-yaml (a docker-compose
# dependency); scripts/install-deps.sh installs them. Exit 0 and "check-deploy: ok".
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
bad() { echo "check-deploy: $*" >&2; fail=1; }

for tool in docker-compose systemd-analyze python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "check-deploy: $tool missing (run scripts/install-deps.sh)" >&2
    exit 1
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- 1. compose files -------------------------------------------------------
# A clean environment, so a developer's COLLECTION=... or .env cannot hide an error.
: >"$tmp/empty.env"
compose() { env -u COLLECTION -u LIBRARY_CODE -u LIBRARY_NAME -u LIBRARY_KIND -u SHARD_BIND \
  -u COMPOSE_FILE -u COMPOSE_PROFILES docker-compose --env-file "$tmp/empty.env" "$@"; }
compose -f docker-compose.yml config -q || bad "docker-compose.yml: docker-compose config failed"
compose -f docker-compose.yml --profile import config >"$tmp/compose.yml" ||
  bad "docker-compose.yml --profile import: docker-compose config failed"
compose -f docker-compose.yml -f docker-compose.shard.yml --profile import config -q ||
  bad "docker-compose.shard.yml: docker-compose config failed"
if [ -s "$tmp/compose.yml" ]; then
  python3 - "$tmp/compose.yml" <<'EOF' || fail=1
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
svc = c.get("services", {})
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)
hub, imp = svc.get("hub", {}), svc.get("import", {})
need(hub and imp, "services hub and import")
need("build" in hub, "hub: build from the Dockerfile")
need("tusach-data" in c.get("volumes", {}), "a named volume tusach-data")
data = "tusach-data:/var/lib/tusach:rw"
need(data in hub.get("volumes", []), "hub: tusach-data on /var/lib/tusach")
need(" serve " in " ".join(hub.get("command", [])), "hub: runs `tusach serve`")
need(any("/api/v1/health" in str(t) for t in hub.get("healthcheck", {}).get("test", [])),
     "hub: a health check on /api/v1/health")
need("import" in imp.get("profiles", []), "import: in the profile 'import'")
need(any(v.endswith(":/collection:ro") for v in imp.get("volumes", [])),
     "import: the collection mounted read-only on /collection")
need(data in imp.get("volumes", []), "import: tusach-data on /var/lib/tusach")
need(" import /collection " in " ".join(imp.get("command", [])),
     "import: runs `tusach import /collection`")
for p in problems:
    print("check-deploy: docker-compose.yml: missing " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
fi

# --- 2. Dockerfile ----------------------------------------------------------
grep -q '^FROM debian:bookworm-slim AS build' Dockerfile ||
  bad "Dockerfile: build stage is not debian:bookworm-slim"
grep -q '^RUN bash scripts/install-deps.sh' Dockerfile ||
  bad "Dockerfile: the build stage must install with scripts/install-deps.sh (the script CI runs)"
grep -q -- '-DBUILD_TESTING=OFF' Dockerfile ||
  bad "Dockerfile: build without tests (-DBUILD_TESTING=OFF)"
grep -A2 '^HEALTHCHECK' Dockerfile | grep -q '/api/v1/health' ||
  bad "Dockerfile: no HEALTHCHECK on /api/v1/health"
grep -q '^USER tusach' Dockerfile || bad "Dockerfile: does not run as the tusach user"
# Runtime packages: the lines of the runtime stage's apt-get install.
runtime_pkgs=$(sed -n '/^FROM .* AS runtime/,$p' Dockerfile |
  sed -n '/apt-get install/,/&&/p' | sed 's/[\]//g' | tr -s ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
  grep -vxE 'apt-get|install|rm|&&' || true)
bin=${TUSACH_BIN:-build/cli/tusach}
if [ -x "$bin" ] && command -v dpkg >/dev/null; then
  # Every library the binary loads directly must come from a listed package or
  # from debian:bookworm-slim itself.
  base="libc6 libgcc-s1 libstdc++6 zlib1g"
  while read -r lib; do
    path=$(ldd "$bin" | awk -v l="$lib" '$1 == l {print $3}')
    [ -n "$path" ] || continue
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) ||
      pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$pkg" ] || { bad "Dockerfile: cannot tell which package ships $lib"; continue; }
    echo " $runtime_pkgs $base " | tr '\n' ' ' | grep -q " $pkg " ||
      bad "Dockerfile: $bin needs $lib (package $pkg): add it to the runtime stage's apt-get"
  done < <(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
else
  echo "check-deploy: $bin not built; runtime library list not checked against it"
fi

# --- 3. systemd unit --------------------------------------------------------
unit=dist/tusach.service
for opt in 'User=tusach' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' \
           'ReadWritePaths=/var/lib/tusach' 'ProtectHome=yes' 'CapabilityBoundingSet=' \
           'ExecStart=/usr/local/bin/tusach --data /var/lib/tusach serve'; do
  grep -q "^$opt" "$unit" || bad "$unit: missing $opt"
done
# The binary is not installed here: verify a copy that runs /bin/true instead.
sed 's|/usr/local/bin/tusach|/bin/true|g' "$unit" >"$tmp/tusach.service"
if ! systemd-analyze verify "$tmp/tusach.service" >"$tmp/verify.out" 2>&1 ||
  [ -s "$tmp/verify.out" ]; then
  sed "s|$tmp/|dist/|" "$tmp/verify.out" >&2
  bad "$unit: systemd-analyze verify reported problems"
fi
if systemd-analyze security --offline=yes --threshold=20 --no-pager "$tmp/tusach.service" \
  >"$tmp/sec.out" 2>&1; then
  echo "check-deploy: $unit: $(grep -o 'exposure level.*' "$tmp/sec.out")"
else
  grep -E '✗|exposure' "$tmp/sec.out" >&2 || cat "$tmp/sec.out" >&2
  bad "$unit: systemd-analyze security exposure above 2.0 (or the check failed)"
fi

# --- 4. config example ------------------------------------------------------
keys='data|listen|port|threads|timeout|connections|per-ip-connections|connection-memory'
keys="$keys|max-body|slow-ms|search-cache|oai-repository-name|oai-admin-email|oai-repository-id"
keys="$keys|oai-base-url"
n=0
while IFS= read -r line; do
  n=$((n + 1))
  case "$line" in '' | '#'*) continue ;; esac
  echo "$line" | grep -qE "^($keys) = [^ #]+$" || bad "dist/tusach.conf.example line $n: '$line'"
done <dist/tusach.conf.example

[ $fail = 0 ] || exit 1
echo "check-deploy: ok"
