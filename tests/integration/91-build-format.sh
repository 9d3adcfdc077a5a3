#!/usr/bin/env bash
# The style file is the truth: every C source of the project is as clang-format leaves it
# (.clang-format; `make format` applies it). A file that is not fails with the diff.
. "$(dirname "$0")/../lib/common.sh"
need_cmd clang-format
cd "$GB_SRC"
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find core cli labs viz init probe tests -name '*.[ch]'); do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad=$((bad + 1))
        echo "not formatted: $f (make format)"
        clang-format "$f" | diff -u "$f" - | head -20
    fi
done
check "every C source is as clang-format leaves it ($bad not)" test "$bad" -eq 0
# The check can fail: a file with a misplaced brace is caught.
tmp=$GB_TEST_ROOT/bad.c
printf 'int f(void) {\nreturn 1;}\n' >"$tmp"
check "a badly formatted file is caught" bash -c "! clang-format --style=file:'$GB_SRC/.clang-format' --dry-run --Werror '$tmp' 2>/dev/null"
finish
