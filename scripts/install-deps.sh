#!/usr/bin/env bash
# scripts/install-deps.sh - install every Debian 12 package tusach needs to build,
# test and benchmark (the peers omindex and recollindex included).
# Idempotent; run as root or with sudo available. --build-only: compile only.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

BUILD_PKGS=(build-essential cmake pkg-config git ca-certificates
  libsqlite3-dev libxapian-dev libmicrohttpd-dev libarchive-dev libxml2-dev
  libjansson-dev libsodium-dev libpoppler-glib-dev libyaz-dev libutf8proc-dev
  libcurl4-openssl-dev zlib1g-dev librecode-dev)
TOOL_PKGS=(sqlite3 zip unzip file python3 clang-format yaz
  xapian-omega recoll poppler-utils time pandoc man-db groff-base libclang-rt-14-dev
  docker-compose systemd nodejs chromium fonts-noto-core fonts-dejavu-core
  libhttp-oai-perl wrk kiwix-tools zim-tools curl)

# --build-only: just what compiling needs (the Docker image's build stage)
if [ "${1:-}" = "--build-only" ]; then TOOL_PKGS=(); fi

missing=()
for p in "${BUILD_PKGS[@]}" "${TOOL_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
