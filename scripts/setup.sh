#!/usr/bin/env bash
# Installs whatever raftsim's build and tests need that this machine lacks, and nothing else:
# quick when everything is present. Called by ./dev before every command.
#
# Everything comes from a package registry (Debian, crates.io): no tool may download a browser
# or binary of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages: the browsers, their drivers, Node.js for the npm tools, gzip for sizes.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v gzip >/dev/null || missing+=(gzip)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Rust: the wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done

# --- The wasm-bindgen CLI at exactly the version Cargo.lock pins; wasm-pack uses it from PATH
# instead of downloading one. Installed without --locked: the CLI's own lock file names a
# webpki-roots release the registry no longer serves.
wasm_bindgen_wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
wasm_bindgen_present=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$wasm_bindgen_present" != "$wasm_bindgen_wanted" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_wanted (found '${wasm_bindgen_present:-none}')"
  cargo install --quiet --force wasm-bindgen-cli --version "$wasm_bindgen_wanted"
fi

# --- wasm-pack and geckodriver, from crates.io.
command -v wasm-pack >/dev/null || { say "installing wasm-pack"; cargo install --quiet --locked wasm-pack; }
command -v geckodriver >/dev/null || { say "installing geckodriver"; cargo install --quiet --locked geckodriver; }

# --- npm tools pinned in package-lock.json (binaryen's wasm-opt). npm ci again only when the
# lock file's contents differ from those node_modules was installed from (by content, not by
# date: a checkout or a new worktree touches the file without changing it).
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.package-lock.json ] || [ "$(cat node_modules/.raftsim-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" >node_modules/.raftsim-lock.sha256
fi
