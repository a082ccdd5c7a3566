#!/usr/bin/env bash
# Install Debian's chromium when it is missing: the web explorer's browser tests drive it with
# Playwright, whose own browser download cannot run here. Needs root (CI runs as root) or sudo.
set -euo pipefail
CHROMIUM="${AIMS_GRAPH_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
echo "$CHROMIUM not found: installing Debian's chromium (for the explorer's browser tests)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: need root or sudo to install chromium; install it (apt-get install chromium) and retry" >&2
    exit 2
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version
