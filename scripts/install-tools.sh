#!/usr/bin/env bash
# Installs the build tools this workspace needs, each only when missing or at the wrong version.
# Safe to run again: a second run installs nothing.
# Every tool comes from crates.io or npm: cargo-leptos's own downloads do not work offline.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$HOME/.cargo/bin:$PATH"
# Tools, not the product: built without link-time optimisation and with many codegen units.
# cargo-leptos's own release profile (fat LTO, one codegen unit) made its build take 19 of the
# 35 minutes a first run needed on 2 cores.
export CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# The test command's gates.
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

# Installs crate $1 at version $2 from crates.io; when its own lockfile cannot build here
# (pins newer than this rustc or this registry), retries from a copy of its source with the
# offending packages moved back ($3: "pkg@version pkg@version").
install_crate() {
  local crate=$1 version=$2 downgrades=${3:-}
  if cargo install --locked "$crate" --version "$version"; then return 0; fi
  local src
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version" 2>/dev/null | head -n 1)
  if [ -z "$src" ]; then
    cargo fetch --manifest-path /dev/null >/dev/null 2>&1 || true
    echo "source of $crate $version not found in the cargo registry" >&2
    return 1
  fi
  local work
  work=$(mktemp -d)
  cp -r "$src" "$work/$crate"
  for d in $downgrades; do
    (cd "$work/$crate" && cargo update -p "${d%@*}" --precise "${d#*@}")
  done
  cargo install --locked --path "$work/$crate"
  rm -rf "$work"
}

# Both at once: each spends much of its build in single-threaded steps that the other fills.
pids=()
if ! "$CARGO_BIN/cargo-leptos" --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  install_crate cargo-leptos "$CARGO_LEPTOS_VERSION" "cargo-util-schemas@0.14.1" &
  pids+=($!)
fi
if ! "$CARGO_BIN/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "webpki-roots@1.0.10" &
  pids+=($!)
fi
for pid in "${pids[@]}"; do wait "$pid"; done

# npm packages: Playwright and binaryen's wasm-opt (Debian's binaryen breaks hydration).
if [ -f end2end/package-lock.json ]; then
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    (cd end2end && npm ci --no-audit --no-fund)
  fi
fi
