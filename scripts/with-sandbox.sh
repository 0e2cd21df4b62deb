#!/usr/bin/env bash
# Runs a command (1) in a network namespace that has only loopback, so nothing the gateway or the
# tests do can leave the machine, and (2) in a private D-Bus session with a throwaway, unlocked
# gnome-keyring, so keytar talks to a real Secret Service and never to the user's own keychain.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${OCMAP_SANDBOXED:-}" != 1 ] && [ "${OCMAP_SANDBOXED:-}" != 0 ]; then
  if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    exec unshare -n env OCMAP_SANDBOXED=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$here/with-sandbox.sh" "$@"
  elif unshare -rn true 2>/dev/null; then
    exec unshare -rn env OCMAP_SANDBOXED=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$here/with-sandbox.sh" "$@"
  else
    echo "with-sandbox: no network namespace available here; running on loopback without isolation" >&2
    export OCMAP_SANDBOXED=0
  fi
fi
if [ -z "${OCMAP_TEST_KEYRING:-}" ]; then
  tmp=$(mktemp -d /tmp/ocmap-keyring.XXXXXX)
  mkdir -p "$tmp/data" "$tmp/run" && chmod 700 "$tmp/run"
  trap 'rm -rf "$tmp"' EXIT
  export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" OCMAP_TEST_KEYRING="$tmp"
  export OCMAP_TEST_KEYRING_PASSWORD="test-$RANDOM$RANDOM"
  dbus-run-session -- bash -c 'printf %s "$OCMAP_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' bash "$@"
  exit $?
fi
exec "$@"
