#!/usr/bin/env bash
# Any failure leaves nothing behind: a failure injected at every step, a kill -9 of the
# CLI in the middle of a start, an aborted step mode, and bad input of every kind.
. "$(dirname "$0")/../lib/common.sh"
need_root

marker="gbfail$$"
# 1. A failure at each step of the table (GLASSBOX_FAIL_STEP, docs/engine.md).
# Rows for bridge networks (veth, net-config, publish) create links: 21-net-engine.sh
# injects failures there, inside a network namespace of its own.
# Rows only an OCI bundle uses (oci-mounts, mount-join, sysctl): 99-oci-spec.sh injects there.
steps=$(gb steps | awk 'NR > 1 {print $2}' | grep -vxE 'veth|net-config|publish|oci-mounts|mount-join|sysctl')
for step in $steps; do
    want=()
    [ "$step" = init ] && want=(--init)   # a step that runs only with its option
    [ "$step" = tty ] && want=(-t)
    # A row this default run does not use never fails: the timeout ends the run then.
    # --read-only and --tmpfs make the optional storage rows run (and so fail) too.
    # The userns rows run only with a user namespace (its root must reach the data root).
    want+=(--read-only --tmpfs /scratch)
    case $step in userns-*) want=(--userns=auto); chmod o+x "$GB_TEST_ROOT" ;; esac
    out=$(GLASSBOX_FAIL_STEP=$step timeout 20 "$GLASSBOX" run --rm "${want[@]}" --name "f-$step" busybox sleep 3$$ 2>&1)
    rc=$?
    check "failure at step '$step' exits non-zero ($rc)" test "$rc" -ne 0
    assert_contains "failure at step '$step' names it" "injected failure at step $step" "$out"
    check "failure at step '$step': no process left" bash -c "! pgrep -f '[s]leep 3$$' >/dev/null"
    assert_nothing_left "failure at step '$step'"
done

# 2. kill -9 of the CLI while it waits between two steps (after clone: a child exists).
fifo=$GB_TEST_ROOT/ctl
mkfifo "$fifo"
"$GLASSBOX" run --name k9 --step-fd 3 busybox sleep 4$$ 3<"$fifo" >/dev/null 2>&1 &
cli=$!
exec 4>"$fifo"
for _ in 1 2 3 4 5 6; do echo next >&4; done   # create (3 steps), clone, cgroupns, loopback
sleep 0.5
check "the CLI is waiting mid-start" kill -0 $cli
kill -9 $cli
wait $cli 2>/dev/null
exec 4>&-
sleep 0.2
check "the half-made container process died with the CLI" bash -c "! pgrep -f '[s]leep 4$$' >/dev/null"
check "the crashed start left a state that ps -a shows" bash -c "$GLASSBOX ps -a | grep -q k9"
gb rm -f k9 >/dev/null
check "rm -f clears it" bash -c "! $GLASSBOX ps -a | grep -q k9"
assert_nothing_left "kill -9 mid-start, then rm -f"

# 3. Step mode aborted at the pivot_root step: everything undone, exit 130.
{ for _ in $(seq 12); do echo next; done; echo abort; } | gb run --name ab --step-fd 0 busybox true >/dev/null 2>&1
assert_eq "abort in step mode exits 130" 130 $?
assert_nothing_left "aborted in step mode"

# 4. Bad input: one clear line naming the problem and the fix; nothing left behind.
expect_error() { # description expected-text command...
    local d=$1 want=$2; shift 2
    local out rc
    out=$("$@" 2>&1); rc=$?
    if [ $rc -ne 0 ] && [[ "$out" == *"$want"* ]]; then ok "$d"; else not_ok "$d: rc=$rc out=$out"; fi
}
# --pull never: a missing image is refused without asking Docker Hub (tests stay offline)
expect_error "unknown image" "unknown image 'nosuch'" gb run --rm --pull never nosuch
expect_error "unknown image lists what exists" "available: busybox" gb run --rm --pull never nosuch
expect_error "missing command" "executable file not found in \$PATH: nosuchcmd" gb run --rm busybox nosuchcmd
gb run --rm busybox nosuchcmd >/dev/null 2>&1
assert_eq "missing command exits 127 like a shell" 127 $?
expect_error "invalid flag" "unknown option --bogus" gb run --bogus busybox
expect_error "invalid value" "invalid value for --hostname" gb run --hostname 'a b' busybox
expect_error "no image" "no image given" gb run -d
gb run -d --name taken busybox sleep 5$$ >/dev/null
expect_error "name already in use" "the name taken is already in use" gb run --name taken busybox true
# A name that happens to start an existing id is still free: names and ids are apart.
tid=$(gb ps -q | head -1)
out=$(gb run --rm --name "${tid:0:4}" busybox true 2>&1)
assert_eq "a name equal to an id prefix is accepted" "" "$out"
expect_error "rm of a running container" "container taken is running" gb rm taken
expect_error "start of a running container" "container taken is running" gb start taken
gb stop -t 0 taken >/dev/null
expect_error "exec in a stopped container" "container taken is stopped" gb exec taken true
out=$(gb stop taken 2>&1); rc=$?
assert_eq "stop of a stopped container is a no-op" 0 $rc
assert_contains "and says so" "already stopped" "$out"
expect_error "unknown container" "no such container: ghost" gb stop ghost
gb rm taken >/dev/null
mkdir -p "$GB_TEST_ROOT/ro"
mount -t tmpfs -o ro tmpfs "$GB_TEST_ROOT/ro"
expect_error "state root on a read-only filesystem" "read-only filesystem: choose another with --root" \
    gb --root "$GB_TEST_ROOT/ro/run" run --rm busybox true
umount "$GB_TEST_ROOT/ro"
expect_error "relative state root" "must be absolute" gb --root relative ps
if command -v setpriv >/dev/null; then
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$GLASSBOX" --root /run/glassbox-nobody-$$ run --rm busybox true 2>&1)
    rc=$?
    check "not root: a non-zero exit ($rc)" test $rc -ne 0
    assert_contains "not root: the error says what to do" "hint:" "$out"
fi
assert_nothing_left "after bad input"
finish
