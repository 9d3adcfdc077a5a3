#!/bin/bash
# The security layers through the engine: defaults (Docker's 14 caps, NoNewPrivs,
# seccomp filter, masks) seen in /proc of PID 1 and of an exec'd process; a Docker
# profile blocking mkdir; --cap-drop ALL; --privileged as the negative control; bad
# names/profiles refused before anything is created; `glassbox probe` and labs 15-16
# passing, and failing under their controls.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
field() { grep "^$1:" <<<"$2" | awk '{print $2}'; }

st=$(gb run --rm busybox cat /proc/self/status)
assert_eq "default: CapEff is Docker's 14" 00000000a80425fb "$(field CapEff "$st")"
assert_eq "default: CapBnd is Docker's 14" 00000000a80425fb "$(field CapBnd "$st")"
assert_eq "default: CapAmb keeps them across exec" 00000000a80425fb "$(field CapAmb "$st")"
assert_eq "default: seccomp filter mode" 2 "$(field Seccomp "$st")"
assert_eq "default: NoNewPrivs" 1 "$(field NoNewPrivs "$st")"
out=$(gb run --rm busybox sh -c 'unshare -U true 2>&1; wc -c < /proc/timer_list; echo x > /proc/sys/kernel/hostname 2>&1' 2>&1)
assert_contains "default: unshare -U is refused (EPERM)" "Operation not permitted" "$out"
assert_contains "default: /proc/sys is read-only" "Read-only file system" "$out"
check "default: /proc/timer_list is masked (0 bytes)" grep -qx 0 <<<"$out"

st=$(gb run --rm --cap-drop ALL busybox cat /proc/self/status)
assert_eq "--cap-drop ALL: CapEff 0" 0000000000000000 "$(field CapEff "$st")"
st=$(gb run --rm --security-opt seccomp=unconfined --security-opt no-new-privileges=false busybox cat /proc/self/status)
assert_eq "seccomp=unconfined: Seccomp 0" 0 "$(field Seccomp "$st")"
assert_eq "no-new-privileges=false: NoNewPrivs 0" 0 "$(field NoNewPrivs "$st")"
st=$(gb run --rm --security-opt no-new-privileges=false busybox cat /proc/self/status)
assert_eq "no-new-privileges=false keeps the filter (loaded before caps)" 2 "$(field Seccomp "$st")"

cat > "$GB_TEST_ROOT/nomkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
out=$(gb run --rm --security-opt seccomp="$GB_TEST_ROOT/nomkdir.json" busybox sh -c 'mkdir /tmp/d 2>&1; touch /tmp/f && echo touched')
assert_contains "Docker profile: mkdir refused inside" "Operation not permitted" "$out"
assert_contains "Docker profile: other calls still work" "touched" "$out"

printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "NOPE"}]}' > "$GB_TEST_ROOT/bad.json"
out=$(gb run --rm --security-opt seccomp="$GB_TEST_ROOT/bad.json" busybox true 2>&1); rc=$?
check "malformed profile: refused" test "$rc" -ne 0
assert_contains "malformed profile: names the member" 'syscalls[0].action' "$out"
out=$(gb run --rm --cap-add NOT_A_CAP busybox true 2>&1); rc=$?
check "unknown capability: refused" test "$rc" -ne 0
assert_contains "unknown capability: names it" 'NOT_A_CAP' "$out"
assert_nothing_left "refused runs"

out=$(gb run --rm --privileged busybox cat /proc/self/status 2>&1)
assert_contains "--privileged warns" "warning: --privileged" "$out"
assert_eq "--privileged: no filter" 0 "$(field Seccomp "$out")"

gb run -d --name gbsec-eng busybox sleep 120 >/dev/null
st=$(gb exec gbsec-eng cat /proc/self/status)
assert_eq "exec: same CapEff as PID 1" 00000000a80425fb "$(field CapEff "$st")"
assert_eq "exec: same filter" 2 "$(field Seccomp "$st")"
j=$(gb inspect --json gbsec-eng)
assert_contains "inspect: caps decoded" "CAP_NET_BIND_SERVICE" "$(jq -r .observed.cap_names.eff <<<"$j")"
assert_contains "inspect: masked paths" "/proc/timer_list" "$(jq -r '.observed.masked_paths | join(" ")' <<<"$j")"
assert_contains "inspect: read-only paths" "/proc/sys" "$(jq -r '.observed.readonly_paths | join(" ")' <<<"$j")"
p=$(gb probe --json gbsec-eng)
assert_eq "probe: nothing possible but raw-socket (Docker keeps NET_RAW)" "raw-socket" \
	"$(jq -r '[.checks[] | select(.status == "possible") | .name] | join(",")' <<<"$p")"
gb run -d --privileged -q --name gbsec-priv busybox sleep 120 >/dev/null
p=$(gb probe --json gbsec-priv)
for c in mount reboot userns setns keyctl bpf clock swapon sys-write; do
	assert_eq "probe under --privileged: $c possible" possible \
		"$(jq -r --arg n $c '.checks[] | select(.name == $n) | .status' <<<"$p")"
done
gb rm -f gbsec-eng gbsec-priv >/dev/null

for n in 15 16; do
	check "lab $n check passes" gb lab check $n
	check "lab $n check fails under its negative control" bash -c "! '$GLASSBOX' lab check $n --control"
done
assert_nothing_left "after the security tests"
finish
