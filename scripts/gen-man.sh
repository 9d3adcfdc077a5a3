#!/usr/bin/env bash
# Man pages from the programs' own --help text (so they say what the program says) and the
# exit codes from docs/cli.md: glassbox(1), glassbox-COMMAND(1) for every command of the
# command table (scripts/cli-flags.py --commands), glassbox-viz(1). Usage: scripts/gen-man.sh BINDIR OUTDIR   (the Makefile's `man` target)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bindir=$1
out=$2
mkdir -p "$out"

esc() { # help text -> roff, kept as it is laid out (.nf)
    sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
}

exit_codes() { # the run/create table of docs/cli.md -> .TP entries
    awk -v sect="$1" '
        /^## / { on = (index($0, sect) > 0) ; next }
        on && /^\| [^c-][^|]* \| / && !/^\|---/ {
            split($0, c, "|"); gsub(/^ +| +$/, "", c[2]); gsub(/^ +| +$/, "", c[3])
            gsub(/`/, "", c[2]); gsub(/`/, "", c[3]); gsub(/\\/, "\\e", c[3])
            print ".TP\n.B " c[2] "\n" c[3]
        }' "$src/docs/cli.md"
}

page() { # NAME SUMMARY HELP-TEXT EXIT-SECTION
    local name=$1 summary=$2 help=$3 sect=$4 ver
    ver=$("$bindir/glassbox" --version 2>/dev/null | head -1 || echo glassbox)
    {
        echo ".TH ${name^^} 1 \"\" \"$ver\" \"glassbox\""
        echo ".ad l"
        echo ".SH NAME"
        echo "$name \\- $summary"
        echo ".SH DESCRIPTION"
        echo "The text of \\fB${name/-/ } --help\\fR:"
        echo ".PP"
        echo ".nf"
        esc <<<"$help"
        echo ".fi"
        if [ -n "$sect" ]; then
            echo ".SH EXIT STATUS"
            exit_codes "$sect"
        fi
        echo ".SH FILES"
        echo ".TP"
        echo ".I PREFIX/share/glassbox"
        echo "the built-in image, fonts and lab guides, found from the program's own path"
        echo ".TP"
        echo ".I PREFIX/libexec/glassbox"
        echo "glassbox-init, glassbox-probe and glassbox-trampoline"
        echo ".SH SEE ALSO"
        echo "glassbox(1), glassbox-run(1), glassbox-create(1), glassbox-viz(1); the guides: \\fBglassbox lab list\\fR"
    } >"$out/$name.1"
}

page glassbox "real containers, one visible step at a time" "$("$bindir/glassbox" --help)" \
    "stop"
# Each command's summary is its line of `glassbox --help`; run and create exit as docs/cli.md's
# run table says, check and lab as its check table, exec, build, compose and pull as its
# exec table, the others as its table of the rest.
top=$("$bindir/glassbox" --help)
for cmd in $("$src/scripts/cli-flags.py" --commands "$src"); do
    summary=$(awk -v c="$cmd" '$1 == c { $1 = ""; sub(/^ +/, ""); print; exit }' <<<"$top")
    case $cmd in
        run | create) sect=run ;;
        check | lab) sect=check ;;
        exec | build | compose | pull) sect='`exec`' ;;
        *) sect=stop ;;
    esac
    page "glassbox-$cmd" "${summary:-glassbox $cmd}" "$("$bindir/glassbox" "$cmd" --help)" "$sect"
done
if [ -x "$bindir/glassbox-viz" ]; then
    page glassbox-viz "shows a container's life from its event stream" \
        "$("$bindir/glassbox-viz" --help 2>&1)" ""
fi
