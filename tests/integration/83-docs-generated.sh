#!/usr/bin/env bash
# Docs that cannot drift (issue 23): the tables generated from the code (labs/README.md from
# the labs, docs/engine.md's steps from the step table: scripts/gen-docs.sh) are what the
# code prints today, the check fails on a stale table, the hooking notes name only real
# steps, and no document points outside the repository.
. "$(dirname "$0")/../lib/common.sh"
need_cmd diff

if out=$(GLASSBOX=$GLASSBOX "$GB_SRC/scripts/gen-docs.sh" --check 2>&1); then
    ok "every generated table is what glassbox prints today"
else
    not_ok "a generated table is stale:"
    sed 's/^/      | /' <<<"$out" | head -25
fi
n=$(grep -c '^<!-- generated: glassbox' "$GB_SRC/labs/README.md" "$GB_SRC/docs/engine.md" | awk -F: '{s+=$2} END {print s}')
assert_eq "labs/README.md and docs/engine.md each hold a generated table" 2 "$n"
steps=$("$GLASSBOX" steps | tail -n +2 | wc -l)
rows=$(awk '/^<!-- generated: glassbox steps/ {on=1; next} /^<!-- end generated/ {on=0} on && /^\| [0-9]/' \
    "$GB_SRC/docs/engine.md" | wc -l)
assert_eq "docs/engine.md has a row per step of \`glassbox steps\`" "$steps" "$rows"
labs=$("$GLASSBOX" lab list | grep -c '^[0-9][0-9] ')
rows=$(grep -c '^| [0-9][0-9] |' "$GB_SRC/labs/README.md")
assert_eq "labs/README.md has a row per lab of \`glassbox lab list\`" "$labs" "$rows"

# The check can fail: a copy of the docs with one step row gone is reported stale.
copy=$GB_TEST_ROOT/docs-copy
mkdir -p "$copy/scripts" "$copy/docs" "$copy/labs"
cp "$GB_SRC/scripts/gen-docs.sh" "$copy/scripts/"
cp "$GB_SRC/README.md" "$copy/"
cp "$GB_SRC"/docs/*.md "$copy/docs/"
cp "$GB_SRC/labs/README.md" "$copy/labs/"
sed -i '/^| 2 | `state` |/d' "$copy/docs/engine.md"
err=$(GLASSBOX=$GLASSBOX "$copy/scripts/gen-docs.sh" --check 2>&1)
rc=$?
assert_eq "a table missing a step is reported stale (exit 1)" 1 "$rc"
assert_contains "... naming the file" "docs/engine.md is stale" "$err"
GLASSBOX=$GLASSBOX "$copy/scripts/gen-docs.sh" >/dev/null 2>&1
check "scripts/gen-docs.sh regenerates it to the committed text" cmp -s "$copy/docs/engine.md" "$GB_SRC/docs/engine.md"

# The hooking notes of docs/engine.md name only steps that exist.
names=$("$GLASSBOX" steps | awk 'NR > 1 {print $2}')
bad=""
for s in $(awk '/^Notes for hooking in/ {on=1} on && /^## / {on=0} on && /^- `/' "$GB_SRC/docs/engine.md" |
    sed 's/:.*//' | grep -o '`[a-z_-]*`' | tr -d '`'); do
    grep -qx "$s" <<<"$names" || bad+=" $s"
done
assert_eq "the hooking notes name only real steps" "" "$bad"

# Speed figures: the pages that quote README.md's "Speed" run hold only its figures, and a
# changed figure on one page is caught.
if command -v python3 >/dev/null; then
    assert_eq "every page quotes README's Speed figures as they are" "" "$("$GB_SRC/scripts/speed-quotes.py" "$GB_SRC")"
    sed -i 's/72-114 fps/72-115 fps/' "$copy/docs/viz.md"
    assert_contains "... a figure changed on one page is reported" "viz.md: 72-115 fps" \
        "$("$GB_SRC/scripts/speed-quotes.py" "$copy")"
fi

# Nothing points outside the repository: no shared/ notes, no absolute paths of a machine,
# and every relative Markdown link resolves to a file of the repository.
mds=$(cd "$GB_SRC" && ls README.md docs/*.md labs/README.md labs/[0-9][0-9]-*/README.md slides/*.md core/README.md 2>/dev/null)
hits=$(cd "$GB_SRC" && grep -nE '(^|[^a-z_/.-])(shared/[A-Z]|/work/)' $mds || true)
assert_eq "no document names shared/ or a machine's path" "" "$hits"
# ... nor a comment of the code, a script or a bench (what a reader of the source has).
hits=$(cd "$GB_SRC" && grep -rnE '(^|[^a-z_/.-])shared/[A-Z]+\.md' --include='*.[ch]' --include='*.sh' \
    --include='*.py' --include=Makefile --include='*.mk' cli core viz labs init probe images bench \
    scripts Makefile install.mk 2>/dev/null || true)
assert_eq "no source file names a shared/ note" "" "$hits"
unfenced() { # a Markdown file without its fenced blocks (examples are not links)
    awk '!f && match($0, /^(```+|~~~+)/) { f = substr($0, 1, RLENGTH); next }
         f && index($0, f) == 1 && $0 ~ /^[`~]+[[:space:]]*$/ { f = ""; next }
         !f' "$1"
}
broken=""
for f in $mds; do
    dir=$(dirname "$GB_SRC/$f")
    while read -r target; do
        target=${target%%#*}
        [ -z "$target" ] && continue
        path=$(realpath -m "$dir/$target")
        case $path in "$GB_SRC"/*) ;; *) broken+=" $f->$target(outside)"; continue ;; esac
        [ -e "$path" ] || broken+=" $f->$target"
    done < <(unfenced "$GB_SRC/$f" | grep -oE '\]\([^)[:space:]]+\)' | sed 's/^](//; s/)$//' | grep -vE '^(https?:|mailto:|#)')
done
assert_eq "every relative link of the docs resolves inside the repository" "" "$broken"
finish
