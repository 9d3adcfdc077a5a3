#!/usr/bin/env bash
# Docs that state facts about the code take them from the code. A block between
#   <!-- generated: glassbox ARGS... -->
#   <!-- end generated -->
# in README.md, docs/*.md or labs/README.md is the output of `glassbox ARGS...` (the built
# one, $GLASSBOX or build/bin/glassbox). scripts/gen-docs.sh rewrites every such block;
# --check only compares, names each stale block and exits 1
# (tests/integration/83-docs-generated.sh runs it on every test run).
set -euo pipefail
cd "$(dirname "$0")/.."
GLASSBOX=${GLASSBOX:-$PWD/${BUILD:-build}/bin/glassbox}
check=0
[ "${1:-}" = --check ] && check=1
[ -x "$GLASSBOX" ] || { echo "gen-docs: $GLASSBOX is not built (make)" >&2; exit 2; }

regen() { # FILE -> the file with every generated block rewritten, on stdout
    local line args
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s\n' "$line"
        if [[ $line =~ ^'<!-- generated: glassbox '(.*)' -->'$ ]]; then
            read -r -a args <<<"${BASH_REMATCH[1]}"
            "$GLASSBOX" "${args[@]}" || { echo "gen-docs: glassbox ${args[*]} failed" >&2; exit 2; }
            # Skip the old block up to its end marker.
            while IFS= read -r line && [ "$line" != '<!-- end generated -->' ]; do :; done
            printf '%s\n' '<!-- end generated -->'
        fi
    done <"$1"
}

stale=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for f in README.md docs/*.md labs/README.md; do
    grep -q '^<!-- generated: ' "$f" || continue
    regen "$f" >"$tmp"
    cmp -s "$f" "$tmp" && continue
    if [ $check = 1 ]; then
        echo "gen-docs: $f is stale: run scripts/gen-docs.sh (then commit it)" >&2
        diff "$f" "$tmp" | head -20 >&2 || true
        stale=1
    else
        cat "$tmp" >"$f"
        echo "gen-docs: rewrote $f"
    fi
done
exit $stale
