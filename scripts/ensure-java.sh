#!/usr/bin/env bash
# Install a headless JRE when `java` is missing: HermiT, the OWL reasoner used by `aims-graph check`,
# runs on Java. Needs root (CI runs as root) or sudo.
set -euo pipefail
if command -v java >/dev/null 2>&1; then
  exit 0
fi
echo "java not found: installing default-jre-headless (for the HermiT OWL reasoner)" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: need root or sudo to install a JRE; install one (e.g. apt-get install default-jre-headless) and retry" >&2
    exit 2
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
java -version
