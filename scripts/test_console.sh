#!/usr/bin/env bash
# The web console's browser test: Debian's chromium driven by playwright-core (from npm) against
# a real `facectl serve`. Installs what it needs (chromium with apt when missing; playwright-core,
# pinned, into a cache folder); never downloads a browser.
#   scripts/test_console.sh [path/to/facectl]     (default: $CARGO_TARGET_DIR/debug/facectl)
# Needs FACECTL_MODEL_DIR (scripts/test.sh finds it the same way) and node/npm.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYWRIGHT_VERSION=1.65.1
BIN="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/facectl-target}/debug/facectl}"
[ -x "$BIN" ] || { echo "no facectl binary at $BIN (build it first)" >&2; exit 2; }
if [ -z "${FACECTL_MODEL_DIR:-}" ] && [ -d ../shared/models ]; then
  FACECTL_MODEL_DIR="$(cd ../shared/models && pwd)"
fi
: "${FACECTL_MODEL_DIR:?set FACECTL_MODEL_DIR to the folder with the YuNet and SFace models}"

apt_install() {
  echo "installing Debian packages: $*" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y --no-install-recommends "$@" > /dev/null 2>&1 \
    || { $sudo apt-get update > /dev/null && $sudo apt-get install -y --no-install-recommends "$@" > /dev/null; }
}
command -v chromium > /dev/null || apt_install chromium
{ command -v node > /dev/null && command -v npm > /dev/null; } || apt_install nodejs npm

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/facectl-console-test"
if [ ! -f "$CACHE/node_modules/playwright-core/package.json" ] \
   || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$CACHE/node_modules/playwright-core/package.json"; then
  echo "installing playwright-core $PLAYWRIGHT_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix "$CACHE" "playwright-core@$PLAYWRIGHT_VERSION" > /dev/null
fi

FACECTL_BIN="$BIN" FACECTL_MODEL_DIR="$FACECTL_MODEL_DIR" CHROMIUM="$(command -v chromium)" \
  PLAYWRIGHT_CORE_DIR="$CACHE/node_modules" node tests/console/console.test.mjs
