#!/usr/bin/env bash
# make install / make uninstall (issue 23): the installed glassbox runs a container and a
# lab check from PREFIX alone (its init, trampoline, image and guides found next to it),
# and uninstall leaves no file of ours behind.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd make

prefix=$GB_TEST_ROOT/prefix
build=${BUILD:-build}
case $build in /*) ;; *) build=$GB_SRC/$build ;; esac
if ! make -C "$GB_SRC" --no-print-directory BUILD="$build" PREFIX="$prefix" install \
    >"$GB_TEST_ROOT/install.log" 2>&1; then
    not_ok "make install PREFIX=$prefix failed:"
    tail -15 "$GB_TEST_ROOT/install.log" | sed 's/^/      | /'
    finish
fi
ok "make install PREFIX=$prefix"
for f in bin/glassbox libexec/glassbox/glassbox-init libexec/glassbox/glassbox-probe \
    libexec/glassbox/glassbox-images \
    libexec/glassbox/glassbox-trampoline share/glassbox/images/busybox/rootfs/bin/busybox \
    share/glassbox/labs/01-first-container/README.md share/man/man1/glassbox.1 \
    share/man/man1/glassbox-run.1 share/bash-completion/completions/glassbox; do
    check "installed: $f" test -e "$prefix/$f"
done

# From a directory far from the source tree, with no GLASSBOX_* path but the test roots.
installed=$prefix/bin/glassbox
out=$(cd / && env -u GLASSBOX_SHARE -u GLASSBOX_INIT -u GLASSBOX_TRAMPOLINE \
    "$installed" run --rm busybox echo hi 2>&1)
assert_eq "the installed glassbox runs busybox echo hi" "hi" "$out"
# The image commands: the installed glassbox-images, found in PREFIX/libexec/glassbox.
out=$(cd / && env -u GLASSBOX_SHARE -u GLASSBOX_IMAGES "$installed" image ls 2>&1)
assert_contains "the installed glassbox runs image ls through glassbox-images" "busybox" "$out"
# --init: glassbox-init is found in PREFIX/libexec/glassbox and is PID 1 in the container.
out=$(cd / && "$installed" run --rm --init busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "' 2>&1)
assert_contains "--init runs the installed glassbox-init as PID 1" "glassbox-init" "$out"
out=$(cd / && "$installed" lab show 1 2>&1 | head -3)
assert_contains "lab show 1 reads the installed guide" "#" "$out"
if (cd / && "$installed" lab check 1 >"$GB_TEST_ROOT/lab.log" 2>&1); then
    ok "the installed glassbox passes lab check 1"
else
    not_ok "lab check 1 with the installed glassbox:"
    tail -10 "$GB_TEST_ROOT/lab.log" | sed 's/^/      | /'
fi
check "the lab check left no container" test -z "$("$installed" ps -aq)"

# The man pages are the programs' --help, and say the exit codes of docs/cli.md.
if command -v man >/dev/null; then
    page=$(MANWIDTH=200 man -l "$prefix/share/man/man1/glassbox-run.1" 2>&1)
    assert_contains "man glassbox-run shows run's --help" "--pids-limit" "$page"
    assert_contains "man glassbox-run lists exit status 125" "refused before the container started" "$page"
    warn=$(man --warnings -l "$prefix/share/man/man1/glassbox.1" 2>&1 >/dev/null)
    assert_eq "man glassbox renders without a warning" "" "$warn"
fi
# Bash completion, with the installed glassbox: commands from its --help, run's flags,
# container names from ps.
"$installed" run -d --name comp-$$ busybox sleep 60 >/dev/null
comp=$(bash -c '. "$1/share/bash-completion/completions/glassbox"
    comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _glassbox; echo "${COMPREPLY[*]}"; }
    comp "$1/bin/glassbox" insp; comp "$1/bin/glassbox" run --pids-l; comp "$1/bin/glassbox" stop comp-' _ "$prefix")
assert_eq "completion: a command, a flag of run, a container name" "inspect --pids-limit comp-$$" "$(tr '\n' ' ' <<<"$comp" | sed 's/ $//')"
"$installed" rm -f comp-$$ >/dev/null

make -C "$GB_SRC" --no-print-directory BUILD="$build" PREFIX="$prefix" uninstall >/dev/null 2>&1
left=$(find "$prefix" ! -type d 2>/dev/null)
assert_eq "make uninstall leaves no file under PREFIX" "" "$left"
assert_nothing_left "the installed glassbox's containers"
finish
