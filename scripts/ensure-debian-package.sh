#!/usr/bin/env bash
# ensure-debian-package.sh COMMAND PACKAGE WHY
# Install Debian's PACKAGE through apt-get when COMMAND (a name on PATH, or an absolute path to a
# program or a library file such as a jar) is
# missing. Used for what pip cannot provide: Java for HermiT, chromium for the explorer's browser
# tests (Playwright cannot download browsers here), wrk for the HTTP load benchmark, Virtuoso and
# Jena for the SPARQL server and client tests.
# Needs root (CI runs as root) or sudo.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 COMMAND PACKAGE WHY" >&2
  exit 2
fi
COMMAND="$1" PACKAGE="$2" WHY="$3"
if command -v "$COMMAND" >/dev/null 2>&1 || [ -e "$COMMAND" ]; then
  exit 0
fi
echo "$COMMAND not found: installing Debian's $PACKAGE ($WHY)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: need root or sudo to install $PACKAGE; run 'apt-get install $PACKAGE' as root and retry" >&2
    exit 2
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$PACKAGE" >/dev/null
echo "installed $PACKAGE" >&2
