#!/usr/bin/env bash
# sanitize.sh: build the test suites with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (-DLAB_SANITIZE=ON, Debug at -O1) in a build directory of
# their own, and run them through CTest. Exits with CTest's status; see docs/FUZZING.md.
#
#   tools/sanitize.sh [extra ctest arguments]
#
# Environment:
#   LAB_ASAN_BUILD_DIR   build directory (default <repo>/build-asan)
#   LAB_ASAN_LABELS      CTest label regex (default 'unit|integration'; integration needs
#                        `./lab infra up`; e2e also builds the five services)
#   LAB_ASAN_JOBS        parallel build and unit-test jobs (default 2)
set -Eeuo pipefail

LAB_TAG=sanitize LAB_DIE_STATUS=2
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
BUILD_DIR="${LAB_ASAN_BUILD_DIR:-$LAB_ROOT/build-asan}"
LABELS="${LAB_ASAN_LABELS:-unit|integration}"
JOBS="${LAB_ASAN_JOBS:-2}"

t0=$SECONDS
say "configuring (CMake preset asan: Debug -O1, -DLAB_SANITIZE=ON) in $BUILD_DIR"
# -O1 keeps ASan stacks readable and the build and the tests much faster than -O0.
cmake_configure asan "$BUILD_DIR"

# Build only what the selected tests run: their tst_* executables (and, for e2e, the
# services they start), not the console or the tools.
mapfile -t tests < <(cd "$BUILD_DIR" && ctest -N -L "$LABELS" | sed -n 's/^ *Test *#[0-9]*: *\([^ ]*\).*/\1/p')
((${#tests[@]} > 0)) || die "no tests match the labels '$LABELS'"
targets=()
for t in "${tests[@]}"; do
  case "$t" in
    unit.tst_* | integration.tst_* | e2e.tst_*) targets+=("${t#*.}") ;;
    *) die "don't know which target builds test '$t': run it from the normal build" ;;
  esac
  [[ "$t" == e2e.* ]] && targets+=(order-service payment-service inventory-service notifier-service search-service)
done
mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
say "building ${#targets[@]} targets with -j$JOBS"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${targets[@]}" || die "sanitizer build failed"
build_time=$((SECONDS - t0))
say "built in ${build_time}s"

# Any finding stops the test with a stack, leaks included.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

say "running ctest -L '$LABELS' under ASan/LSan/UBSan"
rc=0
(cd "$BUILD_DIR" && ctest -L "$LABELS" --output-on-failure -j"$JOBS" "$@") || rc=$?
say "build ${build_time}s, tests $((SECONDS - t0 - build_time))s, total $((SECONDS - t0))s: ctest status $rc"
exit $rc
