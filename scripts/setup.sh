#!/usr/bin/env bash
# metacrm setup: installs what the platform needs, skipping what is already present.
# Safe to run again at any time. Run as root (or with sudo available) on Debian so it
# can install system packages; elsewhere it names what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

SECANTUS_VERSION="0.7.0b3"
VENV=".venv"
APT_UPDATED=0

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
ok() { printf '    %s\n' "$*"; }
die() { printf '\033[1;31msetup failed:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1; fi
}

# apt_install PACKAGE WHY: installs a Debian package or stops with how to get it.
apt_install() {
  local pkg="$1" why="$2"
  if ! command -v apt-get >/dev/null 2>&1; then
    die "$pkg is missing ($why). Install it with your system's package manager, then run npm run setup again."
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || die "apt-get update failed; cannot install $pkg ($why). Run as root or install it by hand."
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
    || die "could not install Debian package $pkg ($why). Install it by hand: apt-get install $pkg"
  ok "installed $pkg"
}

say "Checking Node.js and npm"
command -v node >/dev/null 2>&1 || die "Node.js 20.19 or later is required (https://nodejs.org)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js 20.19 or later is required; this is $(node --version)."
ok "node $(node --version), npm $(npm --version 2>/dev/null)"

say "Installing npm packages"
LOCK_HASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f node_modules/.metacrm-lock-hash ] && [ "$(cat node_modules/.metacrm-lock-hash)" = "$LOCK_HASH" ]; then
  ok "node_modules matches package-lock.json; skipped"
else
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_HASH" > node_modules/.metacrm-lock-hash
fi

say "Checking redis-server"
if command -v redis-server >/dev/null 2>&1; then
  ok "$(redis-server --version | cut -d' ' -f1-3)"
else
  apt_install redis-server "the queue and cache server"
  # Debian starts a system-wide instance; the platform runs its own, so stop that one.
  as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
fi

say "Checking SecantusDB $SECANTUS_VERSION (embedded MongoDB-compatible server)"
command -v python3 >/dev/null 2>&1 || apt_install python3 "runs the embedded database"
if [ -x "$VENV/bin/secantusd-py" ] && [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("secantusdb"))' 2>/dev/null)" = "$SECANTUS_VERSION" ]; then
  ok "secantusdb $SECANTUS_VERSION in $VENV"
else
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv "creates the project's Python environment"
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed. Install python3-venv (apt-get install python3-venv)."
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --pre "secantusdb==$SECANTUS_VERSION" \
    || die "pip could not install secantusdb==$SECANTUS_VERSION from PyPI."
  ok "installed secantusdb $SECANTUS_VERSION into $VENV"
fi

# The fast embedded server, built from the crates.io sources (never a prebuilt binary),
# into a cache outside the checkout keyed by its exact version, so another checkout or
# a CI run on this machine skips the build. Keep the version in step with
# server/src/dev-services/paths.ts.
SECANTUS_RS_VERSION="0.5.3-beta.196"
SECANTUS_RS_MIN_CARGO="1.95"
SECANTUS_RS_ROOT="$HOME/.cache/metacrm/secantus-mdb-$SECANTUS_RS_VERSION"
SECANTUS_RS_BIN="$SECANTUS_RS_ROOT/bin/secantusd-rs"
rs_fallback() {
  printf '\033[1;33m    warning:\033[0m %s\n' "$1" >&2
  ok "npm start and the tests will use the Python server (secantusd-py), which works but is"
  ok "several times slower. For the fast one: install Rust $SECANTUS_RS_MIN_CARGO or later with"
  ok "rustup (https://rustup.rs; Debian's cargo is too old) and a C compiler"
  ok "(apt-get install build-essential), then run npm run setup again."
}
say "Checking SecantusDB secantusd-rs $SECANTUS_RS_VERSION (the fast embedded server, built with cargo)"
if [ -x "$SECANTUS_RS_BIN" ]; then
  ok "found $SECANTUS_RS_BIN; skipped the build"
elif ! command -v cargo >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
  rs_fallback "cargo or a C compiler (cc) is missing, so secantusd-rs cannot be built."
elif ! cargo --version | awk -v min="$SECANTUS_RS_MIN_CARGO" '{ split($2, v, "."); split(min, m, "."); exit !(v[1] > m[1] || (v[1] == m[1] && v[2] >= m[2])) }'; then
  rs_fallback "$(cargo --version) is older than $SECANTUS_RS_MIN_CARGO, too old to build secantusd-rs."
else
  RS_LOG="$(mktemp -t secantus-rs-build.XXXXXX.log)"
  ok "building crate secantus-mdb $SECANTUS_RS_VERSION from crates.io with $(cargo --version | cut -d' ' -f1-2)"
  ok "into $SECANTUS_RS_ROOT (once per machine; about 13 minutes on 2 cores; log: $RS_LOG)"
  RS_STARTED=$SECONDS
  # --ignore-rust-version: the crate declares a newer rustc than it needs; it builds with 1.95.
  if nice -n 10 cargo install secantus-mdb --version "$SECANTUS_RS_VERSION" --ignore-rust-version --locked \
      --root "$SECANTUS_RS_ROOT" >"$RS_LOG" 2>&1 && [ -x "$SECANTUS_RS_BIN" ]; then
    ok "built $SECANTUS_RS_BIN in $(( (SECONDS - RS_STARTED) / 60 )) min $(( (SECONDS - RS_STARTED) % 60 )) s"
    rm -f "$RS_LOG"
  else
    tail -n 15 "$RS_LOG" | sed 's/^/      /' >&2
    rs_fallback "the build of secantusd-rs failed after $(( SECONDS - RS_STARTED )) s (full log: $RS_LOG)."
  fi
fi

say "Checking Chromium (for browser tests)"
if [ -x /usr/bin/chromium ]; then
  ok "$(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
  apt_install chromium "runs the browser tests"
fi
if ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  apt_install fonts-noto-cjk "renders Chinese text in the browser"
else
  ok "Chinese fonts present"
fi

say "Building the designer and runtime UI"
npm run build --silent
ok "built designer/dist and runtime-ui/dist"

say "Setup complete. Start the platform with: npm start"
