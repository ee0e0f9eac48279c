#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in a build
# directory of their own and run each for a while against a scratch copy of its seed
# corpus. Exits non-zero when any target crashes or breaks a property; see docs/FUZZING.md.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET]      default 20; `./lab test` runs 15, a long run 3600
#
# Environment:
#   LAB_FUZZ_BUILD_DIR   build directory (default <repo>/build-fuzz)
#   LAB_FUZZ_TARGETS     space-separated subset of targets (default: every tests/fuzz/corpus/*)
#   LAB_FUZZ_JOBS        parallel build jobs (default 2)
set -Eeuo pipefail

LAB_TAG=fuzz LAB_DIE_STATUS=2
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
BUILD_DIR="${LAB_FUZZ_BUILD_DIR:-$LAB_ROOT/build-fuzz}"
SECONDS_PER_TARGET="${1:-20}"
JOBS="${LAB_FUZZ_JOBS:-2}"
FUZZ_SRC="$LAB_ROOT/tests/fuzz"
# Every target has a seed corpus directory of its name (tests/fuzz/CMakeLists.txt).
if [[ -n "${LAB_FUZZ_TARGETS:-}" ]]; then
  read -r -a TARGETS <<<"$LAB_FUZZ_TARGETS"
else
  TARGETS=()
  for dir in "$FUZZ_SRC"/corpus/fuzz_*/; do TARGETS+=("$(basename "$dir")"); done
fi

[[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]] || die "usage: tools/fuzz.sh [SECONDS_PER_TARGET] (a positive integer)"
command -v clang++ >/dev/null || die "clang++ missing: run ./lab deps (packages clang, libclang-rt-14-dev)"

t0=$SECONDS
say "configuring (CMake preset fuzz: clang, -DLAB_FUZZ=ON) in $BUILD_DIR"
cmake_configure fuzz "$BUILD_DIR"
say "building ${TARGETS[*]}"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${TARGETS[@]}" || die "fuzz build failed"
say "built in $((SECONDS - t0))s; fuzzing each target for ${SECONDS_PER_TARGET}s"

# Sanitizer verdicts are fatal (-fno-sanitize-recover=all); libFuzzer turns them into a
# crash-* file. Symbolized stacks need llvm-symbolizer (llvm-14, installed with clang).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
symbolizer="$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | tail -n1 || true)"
[[ -n "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

passed=0 failed=0 failures=()
for target in "${TARGETS[@]}"; do
  binary="$BUILD_DIR/tests/fuzz/$target"
  seeds="$FUZZ_SRC/corpus/$target"
  run="$BUILD_DIR/fuzz-runs/$target"
  [[ -x "$binary" ]] || die "$binary was not built"
  [[ -d "$seeds" ]] || die "no seed corpus in $seeds"
  # A scratch copy: libFuzzer adds what it finds to the first corpus directory, and the
  # committed seeds stay small and reviewed.
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/artifacts"
  cp "$seeds"/* "$run/corpus/"
  rc=0
  "$binary" "$run/corpus" -dict="$FUZZ_SRC/json.dict" -max_total_time="$SECONDS_PER_TARGET" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$run/artifacts/" \
    >"$run/fuzz.log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$run/fuzz.log" | tail -n1)"
  cov="$(grep -oE 'cov: [0-9]+' "$run/fuzz.log" | tail -n1 | cut -d' ' -f2 || true)"
  artifact="$(ls "$run/artifacts/" 2>/dev/null | head -n1 || true)"
  if ((rc == 0)) && [[ -z "$artifact" ]]; then
    passed=$((passed + 1))
    printf '  %-24s ok      %10s executions, coverage %s\n' "$target" "${execs:-?}" "${cov:-?}"
  else
    failed=$((failed + 1))
    failures+=("$target")
    printf '  %-24s FAILED  %10s executions (exit %s)\n' "$target" "${execs:-?}" "$rc"
    grep -E '^\*\*\* |^SUMMARY|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$run/fuzz.log" \
      | head -n 8 | sed 's/^/      /'
    [[ -n "$artifact" ]] && printf '      reproduce: %s %s\n' "$binary" "$run/artifacts/$artifact"
    printf '      full log:  %s\n' "$run/fuzz.log"
  fi
done

say "finished in $((SECONDS - t0))s"
echo "$passed passed, $failed failed"
((failed == 0)) || exit 1
