#!/usr/bin/env bash
# The mutation matrix (issue 22): the test build build/tests/glassbox-mut starts
# containers with one step of the table left out (GLASSBOX_SKIP_STEP=NAME); for each
# line of `glassbox steps --caught-by`, the named lab's check must fail through the
# named finding. A row of the step table that no lab catches fails the test, so does a
# stale docs/mutation-matrix.md. With exec broken (GLASSBOX_FAIL_EXEC=1) no lab passes.
# The shipped binary ignores both variables.
# In namespaces of its own: ns-uts would rename, ns-net and loopback would touch, the
# namespaces of this test, never the machine's.
if [ -z "${GB_MUT_PRIVATE:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    GB_MUT_PRIVATE=1 exec unshare --net --uts --ipc --mount -- "$0" "$@"
fi
[ -n "${GB_MUT_PRIVATE:-}" ] && ip link set lo up
. "$(dirname "$0")/../lib/common.sh"
need_root
MUT=$GB_SRC/$BUILD/tests/glassbox-mut
[ -x "$MUT" ] || { echo "missing $MUT: build it with make" >&2; exit 1; }
mut() { "$MUT" "$@"; }
out=$GB_TEST_ROOT/out
mkdir -p "$out"

# --- the table is complete, and the docs are current
mut steps --caught-by --tsv >"$out/matrix.tsv"
assert_eq "every row of the step table is caught by a lab or exempt with a reason" 0 "$?"
check "no UNCOVERED row" bash -c "! grep -q '^UNCOVERED' '$out/matrix.tsv'"
check "no mutation names a row the table lacks" bash -c "! grep -q '^NOROW' '$out/matrix.tsv'"
mut steps --caught-by --markdown >"$out/matrix.md"
check "docs/mutation-matrix.md is generated from the table (glassbox steps --caught-by --markdown)" \
    diff -u "$GB_SRC/docs/mutation-matrix.md" "$out/matrix.md"

# --- the labs of the matrix pass with the test build when nothing is left out
labs=$(awk -F'\t' '$1 == "MUT" && $4 != "00" { print $4 }' "$out/matrix.tsv" | sort -u | tr '\n' ' ')
mut check $labs >"$out/baseline.txt" 2>&1
status=$?
assert_eq "with nothing left out, labs $labs pass with the test build" 0 "$status"
[ $status -eq 0 ] || cat "$out/baseline.txt"
assert_nothing_left "after the baseline"

# --- each step left out is caught by its lab, through its finding
while IFS=$'\t' read -r kind name row lab finding what; do
    [ "$kind" = MUT ] || continue
    if [ "$lab" = 00 ]; then  # caught by the kernel: the start fails at that call
        # Mounts shared as on a systemd host, in a mount namespace of its own (new peer
        # groups: what propagates dies with it).
        shared_run() {
            unshare --mount --propagation private -- sh -c \
                'mount --make-rshared / && exec "$0" run --rm busybox true' "$MUT"
        }
        shared_run >"$out/$name-unmutated.txt" 2>&1
        assert_eq "with mounts shared and nothing left out, a container starts" 0 "$?"
        GLASSBOX_SKIP_STEP=$name shared_run >"$out/$name.txt" 2>&1
        status=$?
        if [ $status -ne 0 ] && grep -q "$finding" "$out/$name.txt"; then
            ok "without $name ($what): the start fails at $finding (exit $status)"
        else
            not_ok "without $name ($what): the start did not fail at $finding (exit $status)"
            sed 's/^/    | /' "$out/$name.txt"
        fi
        # Without private propagation the overlay mounted by the child propagated into
        # the engine's namespace, so the broken engine could not remove the writable
        # layer's directory: that namespace is gone now, and so are those mounts.
        rm -rf "${GLASSBOX_DATA_ROOT:?}/containers/"*
        assert_nothing_left "after a start without $name"
        continue
    fi
    GLASSBOX_SKIP_STEP=$name mut lab check "$lab" >"$out/$name.txt" 2>&1
    status=$?
    # A host whose kernel lacks the lab's feature (host-check says so) cannot run it.
    if [ $status -eq 3 ]; then
        echo "SKIP: without $name: lab $lab $(grep -m1 'skipped:' "$out/$name.txt")" >&2
        continue
    fi
    # FAIL (exit 1), not ERROR: every action of the check ran, and the finding tripped.
    if grep -q "✗ \[$finding\]" "$out/$name.txt" && [ $status -eq 1 ]; then
        ok "without $name ($what): lab $lab fails through [$finding] (exit $status)"
    else
        not_ok "without $name ($what): lab $lab did not trip [$finding] (exit $status)"
        sed 's/^/    | /' "$out/$name.txt"
    fi
    assert_nothing_left "after lab $lab without $name"
done <"$out/matrix.tsv"
rows=$(grep -c '^MUT' "$out/matrix.tsv")
check "the matrix has rows ($rows)" test "$rows" -ge 20

# --- with exec broken, no lab passes
GLASSBOX_FAIL_EXEC=1 mut check >"$out/noexec.txt" 2>&1
status=$?
cat "$out/noexec.txt"
check "with exec broken, glassbox check exits non-zero" test $status -ne 0
check "and no lab passes" bash -c "! grep -qE '^[0-9]{2} [a-z0-9-]+ +PASS' '$out/noexec.txt'"
nlabs=$(gb lab list | grep '^[0-9][0-9] ' | grep -vc 'by name only') # lab 20 runs by name only
# (a lab whose feature this host lacks still says SKIP: host-check decides that first)
assert_eq "every lab ($nlabs) says ERROR (or SKIP)" "$nlabs" "$(grep -cE '^[0-9]{2} [a-z0-9-]+ +(ERROR|SKIP)' "$out/noexec.txt")"
assert_nothing_left "after the checks with exec broken"

# --- the shipped binary has no such switch
GLASSBOX_SKIP_STEP=seccomp GLASSBOX_FAIL_EXEC=1 gb lab check 15 >"$out/shipped.txt" 2>&1
assert_eq "the shipped glassbox ignores GLASSBOX_SKIP_STEP and GLASSBOX_FAIL_EXEC" 0 "$?"
check "its container still runs under seccomp" grep -q '✓ \[seccomp-mode\]' "$out/shipped.txt"
assert_nothing_left "at the end"
finish
