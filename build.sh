#!/usr/bin/env bash
# Klartext: set-up, build, package, test and bench, all through one script.
#
#   ./build.sh          install what is missing, build both browser packages into dist/,
#                       and show the core cleaning the bundled reference page
#   ./build.sh test     everything above, the browsers if missing, then every test
#   ./build.sh wasm     only the wasm core into extension/core/
#   ./build.sh quality  the extraction benchmark against Readability.js and dom_smoothie
#   ./build.sh bench    the speed benchmark: Chromium against Readability.js, the core natively
#   ./build.sh fuzz [S] fuzz the core for S seconds and encoding/ for S/3 (default 600;
#                       nightly Rust and cargo-fuzz)
#   ./build.sh help     this text
set -euo pipefail
cd "$(dirname "$0")"

WASM_TARGET=wasm32-unknown-unknown
REFERENCE=tests/fixtures/krone-putin-nordkorea.html

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_rust() {
  command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs)"
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    say "adding the $WASM_TARGET target"
    rustup target add "$WASM_TARGET"
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want=$(wasm_bindgen_version)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    # --locked fails here: a dependency it pins is missing from the registry.
    say "installing wasm-bindgen-cli $want (about 10 minutes on a cold machine)"
    cargo install wasm-bindgen-cli --version "=$want"
  fi
}

setup_node() {
  command -v npm >/dev/null || die "npm is missing: install Node.js 20 or newer"
  # npm ci only when the lockfile changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

setup_browsers() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build_native() {
  say "building the core and the klartext CLI"
  cargo build --release --locked -p klartext
}

# The wasm core's own workspace (wasm/Cargo.toml says why) must pin what the root one pins:
# every package version in wasm/Cargo.lock is in Cargo.lock too (but its own package and the
# patched encoding_rs).
check_wasm_lock() {
  local drift
  drift=$(awk '
    FNR == 1 { name = "" }
    /^name = / { name = $3 }
    /^version = "/ && FILENAME == "Cargo.lock" { pinned[name " " $3] = 1 }
    /^version = "/ && FILENAME != "Cargo.lock" && !((name " " $3) in pinned) \
      && name != "\"encoding_rs\"" && name != "\"klartext-wasm\"" { print name " " $3 }
  ' Cargo.lock wasm/Cargo.lock)
  [ -z "$drift" ] || die "wasm/Cargo.lock pins versions Cargo.lock does not; in wasm/, run cargo update -p NAME --precise VERSION for:
$drift"
}

build_wasm() {
  say "building the wasm core"
  check_wasm_lock
  cargo build --release --locked --target "$WASM_TARGET" --manifest-path wasm/Cargo.toml --target-dir target
  rm -rf extension/core
  wasm-bindgen --target web --no-typescript --out-dir extension/core --out-name klartext \
    "target/$WASM_TARGET/release/klartext_wasm.wasm"
  # -Oz, chosen by measurement (tests/bench/opt-levels.sh, tests/bench/wasm-core.mjs): 61 KB
  # (7%) smaller than -O3 with no extract time lost that the machine's noise would show; rustc
  # stays at opt-level 3 (Cargo.toml). Rust enables these wasm features by default, and SIMD
  # by .cargo/config.toml; wasm-opt must accept them.
  node_modules/.bin/wasm-opt -Oz --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    extension/core/klartext_bg.wasm -o extension/core/klartext_bg.wasm
  local raw gz
  raw=$(stat -c %s extension/core/klartext_bg.wasm)
  gz=$(gzip -9 -c extension/core/klartext_bg.wasm | wc -c)
  say "wasm: $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzipped"
}

package() {
  say "packaging dist/klartext-chrome.zip and dist/klartext-firefox.zip"
  npm run --silent package
}

demo() {
  say "the core on the reference page ($REFERENCE):"
  target/release/klartext extract --url https://www.krone.at/3412455 --format text "$REFERENCE"
}

build_all() {
  setup_rust
  setup_node
  build_native
  build_wasm
  package
}

run_tests() {
  setup_browsers
  build_all
  say "cargo fmt --check"
  cargo fmt --all --check
  cargo fmt --manifest-path wasm/Cargo.toml --check
  say "cargo clippy"
  cargo clippy --locked --workspace --all-targets -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" -p klartext --lib -- -D warnings
  say "cargo test"
  cargo test --locked
  run_fuzz 45
  say "JS lint and web-ext lint"
  npm run --silent lint
  say "end-to-end tests in Chromium and Firefox"
  npm run --silent test:e2e
}

# A benchmark, not a test: Klartext beside Readability.js and dom_smoothie on shared/datasets.
run_quality() {
  setup_rust
  setup_node
  say "Readability.js over the quality datasets (cached; KLARTEXT_QUALITY_RERUN=1 runs it again)"
  node tests/quality/readability.mjs
  say "Klartext and dom_smoothie over the same pages, and the scores"
  cargo run --release --locked -p klartext-bench --bin quality
}

# The Rust peer of the browser rows: dom_smoothie built for wasm (bench/peer-wasm, bench only),
# at wasm-opt -O3, its fastest, into tests/out/bench/dom-smoothie.
build_peer_wasm() {
  say "the Rust peer for the Chromium rows: dom_smoothie built for wasm"
  local out=tests/out/bench/dom-smoothie
  cargo build --release --locked --target "$WASM_TARGET" -p dom-smoothie-wasm
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name dom_smoothie \
    "target/$WASM_TARGET/release/dom_smoothie_wasm.wasm"
  node_modules/.bin/wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/dom_smoothie_bg.wasm" -o "$out/dom_smoothie_bg.wasm"
}

# A benchmark, not a test: Klartext end to end against Readability.js in Chromium, the core
# against a no-op lol_html pass and dom_smoothie (criterion), size, memory and pathological pages;
# one table on stdout and in tests/out/bench.txt, the chart in docs/bench.svg. Benches build with
# panic=unwind (criterion needs it) in target/bench, apart from the shipped release build.
run_bench() {
  setup_browsers
  if [ ! -x /usr/bin/time ]; then
    [ "$(id -u)" = 0 ] || die "need root to apt-get install time"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
  build_all
  mkdir -p tests/out/bench
  build_peer_wasm
  export CARGO_TARGET_DIR="$PWD/target/bench" CARGO_PROFILE_BENCH_PANIC=unwind
  say "native: the core against a no-op lol_html pass and dom_smoothie (criterion's own report: tests/out/bench/criterion.txt)"
  cargo bench --locked -p klartext-bench --bench core -- --noplot >tests/out/bench/criterion.txt
  say "native: the CLI on 10 MB, 50 MB and 100,000-deep pages"
  cargo run --quiet --locked --profile bench -p klartext-bench --bin speed
  unset CARGO_TARGET_DIR CARGO_PROFILE_BENCH_PANIC
  say "Chromium: Readability.js and Klartext on every page, then the table"
  node tests/bench/run.mjs
}

# cargo-fuzz needs nightly Rust; both are installed when missing. Without nightly, the fuzz
# smoke test in `cargo test` (crate/tests/pathological.rs) still runs the same checks.
run_fuzz() {
  local seconds=${1:-600}
  setup_rust
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "installing the nightly toolchain for cargo-fuzz"
    rustup toolchain install nightly --profile minimal || { say "no nightly: fuzz run skipped"; return 0; }
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
  say "fuzzing the core for ${seconds} s (a crash is saved in crate/fuzz/artifacts/extract/)"
  mkdir -p crate/fuzz/corpus/extract crate/fuzz/corpus/encoding
  (cd crate/fuzz && cargo +nightly fuzz run --sanitizer none --release --debug-assertions extract \
    corpus/extract seeds -- -dict=html.dict -max_total_time="$seconds" -timeout=10 \
    -max_len=16384 -rss_limit_mb=4096 -print_final_stats=1)
  # The wasm core's encoding_rs against encoding_rs itself, a third as long.
  say "fuzzing encoding/ against encoding_rs for $((seconds / 3)) s"
  (cd crate/fuzz && cargo +nightly fuzz run --sanitizer none --release --debug-assertions encoding \
    corpus/encoding -- -max_total_time="$((seconds / 3))" -timeout=10 -max_len=4096 \
    -print_final_stats=1)
}

case "${1:-build}" in
  build) build_all; demo ;;
  wasm) setup_rust; setup_node; build_wasm ;;
  test) run_tests ;;
  quality) run_quality ;;
  bench) run_bench ;;
  fuzz) run_fuzz "${2:-600}" ;;
  help|-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;

  *) die "unknown command '$1' (try ./build.sh help)" ;;
esac
