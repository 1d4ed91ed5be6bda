#!/usr/bin/env bash
# Builds the wasm core with each candidate opt-level setting and prints size against the time
# of extract() per page (tests/bench/wasm-core.mjs, node's V8, the Mozilla pages): the table the
# release profile in Cargo.toml was chosen from. Each candidate builds in its own target dir
# under target/opt-levels/ (a cold build of every dependency: minutes each).
#
#   tests/bench/opt-levels.sh [CANDIDATE ...]    (default: all of them)
#
# A candidate is rustc's opt-level for the dependencies and for the klartext crate, then
# wasm-opt's level: "3-3-O3" is opt-level 3 everywhere and wasm-opt -O3. The dependencies' part
# may name exceptions: "s,lol_html=3-3-O3" is opt-level s for every dependency but lol_html.
set -euo pipefail
cd "$(dirname "$0")/../.."

WASM_TARGET=wasm32-unknown-unknown
ALL=(3-3-O3 3-3-Oz s-3-O3 s-3-Oz s,lol_html=3-3-O3 s-s-Oz z-3-Oz z-z-Oz)
OUT=target/opt-levels

for candidate in "${@:-${ALL[@]}}"; do
  IFS=- read -r deps own wasmopt <<<"$candidate"
  quote() { [[ $1 =~ ^[0-9]$ ]] && echo "$1" || echo "\"$1\""; }
  IFS=, read -r -a exceptions <<<"$deps"
  # klartext is a dependency of the wasm package (wasm/Cargo.toml): "*" covers it, so it is named.
  config=(--config "profile.release.opt-level=$(quote "$own")"
    --config "profile.release.package.\"*\".opt-level=$(quote "${exceptions[0]}")"
    --config "profile.release.package.klartext.opt-level=$(quote "$own")")
  for exception in "${exceptions[@]:1}"; do
    config+=(--config "profile.release.package.${exception%=*}.opt-level=$(quote "${exception#*=}")")
  done
  dir="$OUT/rustc-${deps//[,=]/_}-$own"
  core="$OUT/$candidate"
  printf '==> %s: dependencies opt-level %s, klartext %s, wasm-opt -%s\n' "$candidate" "$deps" "$own" "$wasmopt" >&2
  cargo build --quiet --release --locked --target "$WASM_TARGET" --manifest-path wasm/Cargo.toml \
    --target-dir "$dir" "${config[@]}"
  rm -rf "$core"
  wasm-bindgen --target web --no-typescript --out-dir "$core" --out-name klartext \
    "$dir/$WASM_TARGET/release/klartext_wasm.wasm"
  node_modules/.bin/wasm-opt "-$wasmopt" --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$core/klartext_bg.wasm" -o "$core/klartext_bg.wasm"
done

cores=()
for candidate in "${@:-${ALL[@]}}"; do cores+=("$OUT/$candidate"); done
node tests/bench/wasm-core.mjs "${cores[@]}"
