#!/usr/bin/env bash
# Docker's exit codes (issue 23, docs/cli.md): `run` and `create` exit 125 for every refusal
# before the container starts (a bad flag, seccomp profile, capability, image, mount or
# network), with a message on stderr, no container made and the command never run;
# 127/126 when the command is missing or not executable; the container's own code
# otherwise. stop, kill and rm: 0 done, 1 refused, 2 a usage error.
. "$(dirname "$0")/../lib/common.sh"
need_root

T=$GB_TEST_ROOT/refusals
mkdir -p "$T/out"
printf '{bad' >"$T/notjson.json"
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_EROR"}]}' \
    >"$T/badaction.json"

refused() { # description, then the run options before the image
    local what=$1 err rc
    shift
    rm -f "$T/out/ran"
    err=$(gb run --rm -v "$T/out:/out" "$@" sh -c 'touch /out/ran' 2>&1 >/dev/null)
    rc=$?
    assert_eq "run $what: exit 125" 125 "$rc"
    check "run $what: a message on stderr ($(head -1 <<<"$err"))" test -n "$err"
    check "run $what: the command never ran" test ! -e "$T/out/ran"
    assert_eq "run $what: no container left" "" "$(gb ps -aq)"
}
refused "-m 12XB (bad size)" -m 12XB busybox
refused "--cpus 0 (out of range)" --cpus 0 busybox
refused "--pids-limit -5" --pids-limit -5 busybox
refused "--bogus (unknown flag)" --bogus busybox
refused "--pull sometimes" --pull sometimes busybox
refused "a profile that is not JSON" --security-opt "seccomp=$T/notjson.json" busybox
refused "a profile with an unknown action" --security-opt "seccomp=$T/badaction.json" busybox
refused "a missing profile" --security-opt "seccomp=$T/none.json" busybox
refused "--cap-add an unknown capability" --cap-add NOT_A_CAP busybox
refused "an unknown image (--pull never: no registry asked)" --pull never no-such-image-$$
refused "a bind mount of a missing path" -v "$T/missing:/x" busybox
refused "a mount with an unknown option" -v "$T:/x:zz" busybox
refused "an unknown network" --network no-such-net-$$ busybox

err=$(gb run 2>&1); rc=$?
assert_eq "run with no image: exit 125" 125 "$rc"
gb create --bogus busybox true >/dev/null 2>&1
assert_eq "create --bogus: exit 125" 125 "$?"
gb create --pull never no-such-image-$$ true >/dev/null 2>&1
assert_eq "create of an unknown image: exit 125" 125 "$?"
assert_eq "create refusals made no container" "" "$(gb ps -aq)"

# 127/126 as today, and the container's own code: none of them is 125.
gb run --rm busybox /no/such/command 2>/dev/null
assert_eq "a missing command: exit 127" 127 "$?"
gb run --rm busybox /etc/passwd 2>/dev/null
assert_eq "a command that is not executable: exit 126" 126 "$?"
gb run --rm busybox sh -c 'exit 125'
assert_eq "the container's own 125 passes through" 125 "$?"
gb run --rm busybox sh -c 'exit 1'
assert_eq "the container's own 1 passes through" 1 "$?"

# stop, kill and rm: their own codes.
for verb in stop kill rm; do
    gb "$verb" no-such-container-$$ 2>/dev/null
    assert_eq "$verb of an unknown container: exit 1" 1 "$?"
    gb "$verb" --bogus x 2>/dev/null
    assert_eq "$verb --bogus: usage error, exit 2" 2 "$?"
done
id=$(gb run -d busybox sleep 600)
gb rm "$id" 2>/dev/null
assert_eq "rm of a running container without -f: exit 1" 1 "$?"
check "... and it still runs" test "$(jq -r .state.status < <(gb inspect --json "$id"))" = running
gb stop -t 1 "$id" >/dev/null
assert_eq "stop: exit 0" 0 "$?"
gb kill "$id" 2>/dev/null
assert_eq "kill of a stopped container: exit 1" 1 "$?"
gb stop "$id" >/dev/null 2>&1
assert_eq "stop of a stopped container: nothing to do, exit 0" 0 "$?"
gb rm "$id" >/dev/null
assert_eq "rm: exit 0" 0 "$?"
assert_nothing_left "after every refusal"
finish
