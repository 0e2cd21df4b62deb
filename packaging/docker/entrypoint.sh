#!/bin/sh
# First start of a container: enroll with the key from the secret (once per identity), then run the
# command (`ocmap connect`). A store that is already paired is used as it is; one whose device the
# gateway removed (REVOKED, e.g. an ephemeral device) enrolls again while the key has uses left.
set -eu
status=0
ocmap status >/dev/null 2>&1 || status=$?
if [ "$status" -eq 3 ] || [ "$status" -eq 4 ]; then
  : "${OCMAP_GATEWAY_URL:?set OCMAP_GATEWAY_URL to the gateway (wss://… or ws:// on a private network)}"
  [ -r "$OCMAP_ENROLL_KEY_FILE" ] || { echo "ocmap: no enrollment key at $OCMAP_ENROLL_KEY_FILE" >&2; exit 3; }
  ocmap pair "$OCMAP_GATEWAY_URL" --enroll-key-file "$OCMAP_ENROLL_KEY_FILE"
fi
exec "$@"
