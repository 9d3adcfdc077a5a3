#!/usr/bin/env bash
# Every command has --help (issue 23): for each row of the command table of cli/main.c,
# `glassbox COMMAND --help` exits 0 with its usage, options and an example on stdout, and
# names every flag the command's parser accepts, as read from the parser's own code
# (scripts/cli-flags.py: the strcmp(arg, "--flag") of the functions the command calls, and
# run's option table). `make man` (scripts/gen-man.sh) makes a page of each.
. "$(dirname "$0")/../lib/common.sh"
need_cmd python3

flags=$("$GB_SRC/scripts/cli-flags.py" "$GB_SRC")
commands=$("$GB_SRC/scripts/cli-flags.py" --commands "$GB_SRC")
check "the command table has its commands (run, ps, volume, load among them)" \
    grep -qzE 'run.*ps.*volume.*load' <<<"$(tr '\n' ' ' <<<"$commands")"
check "the parsers' flags were found (ps --all, exec --workdir, vm --tmpfs-root)" \
    grep -qzE 'exec --workdir.*ps --all.*vm --tmpfs-root' <<<"$(sort <<<"$flags" | tr '\n' ' ')"

has_flag() { # FLAG TEXT: FLAG as a word of TEXT (not a prefix of a longer flag)
    grep -qE -- "(^|[^-[:alnum:]])$1([^-[:alnum:]]|\$)" <<<"$2"
}

top=$(gb --help)
for cmd in $commands; do
    out=$(gb "$cmd" --help 2>"$GB_TEST_ROOT/err")
    rc=$?
    err=$(cat "$GB_TEST_ROOT/err")
    if [ "$rc" -ne 0 ] || [ -n "$err" ] || ! grep -q "^usage: glassbox $cmd" <<<"$out" ||
        ! grep -q '^example' <<<"$out"; then
        not_ok "$cmd --help: exit $rc, usage and example on stdout (stderr: ${err:0:100})"
        continue
    fi
    missing=""
    for f in $(awk -v c="$cmd" '$1 == c {print $2}' <<<"$flags"); do
        has_flag "$f" "$out" || missing+=" $f"
    done
    if [ -z "$missing" ]; then
        ok "$cmd --help: exit 0, usage, every flag of its parser, an example"
    else
        not_ok "$cmd --help does not name$missing (its parser accepts them)"
    fi
    # -h asks for help too, where the parser has no -h of its own (run's is --hostname).
    if ! awk -v c="$cmd" '$1 == c && $2 == "-h" {f=1} END {exit !f}' <<<"$flags"; then
        assert_eq "$cmd -h prints the same help" "$out" "$(gb "$cmd" -h 2>&1)"
    fi
    grep -qE "^  $cmd( |\$)" <<<"$top" || not_ok "glassbox --help does not list $cmd"
done

# The check can fail: a parser given a flag its help does not name is caught, read from
# the code (a copy of cli/ whose logs accepts --everything).
copy=$GB_TEST_ROOT/src
mkdir -p "$copy/scripts"
cp -r "$GB_SRC/cli" "$copy/"
sed -i 's/if (!strcmp(argv\[i\], "-f") || !strcmp(argv\[i\], "--follow"))/if (!strcmp(argv[i], "--everything") || !strcmp(argv[i], "--follow"))/' "$copy/cli/main.c"
assert_contains "a flag added to logs' parser is read from the code" "logs --everything" \
    "$("$GB_SRC/scripts/cli-flags.py" "$copy")"
check "... and its help does not name it (the test above would fail)" \
    bash -c '! grep -q -- --everything <<<"$1"' _ "$(gb logs --help)"

# make man: a page per command, from the same text.
man=$GB_TEST_ROOT/man
"$GB_SRC/scripts/gen-man.sh" "$(dirname "$GLASSBOX")" "$man" >/dev/null 2>&1
nopage=""
for cmd in $commands; do
    grep -q "usage: glassbox $cmd" "$man/glassbox-$cmd.1" 2>/dev/null || nopage+=" $cmd"
done
assert_eq "scripts/gen-man.sh made glassbox-COMMAND.1 of every command's --help" "" "$nopage"
finish
