#!/usr/bin/env bash
# moto (PyPI `moto[server]`): local S3 + DynamoDB protocol server for the aws backend's tests.
#   scripts/moto.sh install        create the venv and install moto[server] (idempotent)
#   scripts/moto.sh start [PORT]   run moto_server on 127.0.0.1:PORT (default 5000), foreground
#   scripts/moto.sh path           print the moto_server executable
# The venv lives in $FACECTL_MOTO_VENV (default $HOME/.cache/facectl-moto-venv). The tests in
# crates/facectl-aws/tests start their own server from it (running `install` first if needed),
# or use a running one named by FACECTL_TEST_MOTO_ENDPOINT (e.g. http://127.0.0.1:5000).
set -euo pipefail
VENV="${FACECTL_MOTO_VENV:-$HOME/.cache/facectl-moto-venv}"
SERVER="$VENV/bin/moto_server"

install() {
  if [ -x "$SERVER" ]; then
    return 0
  fi
  echo "installing moto[server] into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]'
  [ -x "$SERVER" ] || { echo "moto_server missing after install" >&2; exit 1; }
}

case "${1:-}" in
  install) install ;;
  start)
    install
    exec "$SERVER" -H 127.0.0.1 -p "${2:-5000}"
    ;;
  path) echo "$SERVER" ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
