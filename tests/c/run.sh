#!/usr/bin/env bash
# Builds libcrm, writes crm.pc, then builds and runs the C and C++ clients:
# the test suites test_crm and test_io (plain, under AddressSanitizer against
# the static library, under valgrind), the C++ example and the ERP example.
# Usage: bash tests/c/run.sh          (debug build)
#        CRM_PROFILE=release bash tests/c/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# A fresh machine: install the C toolchain, valgrind and pkg-config.
if ! command -v valgrind >/dev/null 2>&1 || ! command -v pkg-config >/dev/null 2>&1 \
    || ! command -v cc >/dev/null 2>&1 || ! command -v c++ >/dev/null 2>&1; then
    . scripts/setup.sh
fi
PROFILE=${CRM_PROFILE:-debug}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
LIBDIR=$TARGET_DIR/$PROFILE
BUILD=$TARGET_DIR/c/$PROFILE
mkdir -p "$BUILD"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

step() { printf '\n--> %s\n' "$*"; }

step "cargo build -p crm-ffi ($PROFILE)"
if [ "$PROFILE" = release ]; then
    cargo build -p crm-ffi --release
else
    cargo build -p crm-ffi
fi
test -f "$LIBDIR/libcrm.so" && test -f "$LIBDIR/libcrm.a"

# The system libraries the static library needs (what rustc reports as
# native-static-libs for a staticlib on Linux).
PRIVATE_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
sed -e "s|@PREFIX@|$ROOT|" -e "s|@LIBDIR@|$LIBDIR|" -e "s|@INCLUDEDIR@|$ROOT/include|" \
    -e "s|@VERSION@|$VERSION|" -e "s|@PRIVATE_LIBS@|$PRIVATE_LIBS|" \
    tests/c/crm.pc.in >"$BUILD/crm.pc"
export PKG_CONFIG_PATH="$BUILD${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
echo "pkg-config --cflags --libs crm: $(pkg-config --cflags --libs crm)"

CC=${CC:-cc}
CXX=${CXX:-c++}
CFLAGS="-std=c11 -g -O1 -Wall -Wextra -Werror -pthread"
CXXFLAGS="-std=c++17 -g -O1 -Wall -Wextra -Werror -pthread"
# shellcheck disable=SC2046
DYN_LIBS="$(pkg-config --libs crm) -Wl,-rpath,$LIBDIR"
STATIC_LIBS="$LIBDIR/libcrm.a $(pkg-config --static --libs-only-l crm | sed 's/-lcrm//')"

step "compile (-Wall -Wextra -Werror)"
for t in test_crm test_io; do
    # shellcheck disable=SC2086
    $CC $CFLAGS $(pkg-config --cflags crm) "tests/c/$t.c" -o "$BUILD/$t" $DYN_LIBS
    # shellcheck disable=SC2086
    $CC $CFLAGS -fsanitize=address,undefined -fno-omit-frame-pointer $(pkg-config --cflags crm) \
        "tests/c/$t.c" -o "$BUILD/${t}_asan" $STATIC_LIBS
done
# shellcheck disable=SC2086
$CXX $CXXFLAGS $(pkg-config --cflags crm) tests/c/example.cpp -o "$BUILD/example_cpp" $DYN_LIBS
# shellcheck disable=SC2086
$CC $CFLAGS $(pkg-config --cflags crm) examples/c/erp_customers.c -o "$BUILD/erp_customers" $DYN_LIBS
# The header alone compiles as C and as C++.
echo '#include <crm.h>' | $CC -std=c99 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags crm) -x c -c - -o /dev/null
echo '#include <crm.h>' | $CXX -std=c++11 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags crm) -x c++ -c - -o /dev/null

SUMMARY=""
for t in test_crm test_io; do
    step "C test suite $t"
    "$BUILD/$t" "$SCRATCH" | tee "$BUILD/$t.out"
    SUMMARY="$SUMMARY${SUMMARY:+; }$t: $(tail -n 1 "$BUILD/$t.out")"

    step "C test suite $t under AddressSanitizer (static library)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$BUILD/${t}_asan" "$SCRATCH"

    step "C test suite $t under valgrind"
    valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
        "$BUILD/$t" "$SCRATCH"
done

step "C++17 example (RAII wrapper)"
"$BUILD/example_cpp"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1 "$BUILD/example_cpp" >/dev/null

step "ERP example"
"$BUILD/erp_customers"

printf '\nc: %s\n' "$SUMMARY"
