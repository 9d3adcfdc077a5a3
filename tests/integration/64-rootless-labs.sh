#!/usr/bin/env bash
# Rootless labs (issue 21): an ordinary user made for this test (with /etc/subuid and
# /etc/subgid ranges; removed at exit) runs `glassbox lab check N` for labs 01-06,
# 11-18 and 21 (07-10 are the cgroup labs: delegation's part; 21's device rules are root's
# alone, so it SKIPs naming why) and each ends as written down in
# the table below, never guessed at run time. Each lab's negative control still trips
# rootless. `glassbox host-check` as that user puts no feature the kernel has (as root
# sees it) down to the kernel: what it lacks there is the user's privilege, and the
# students' section finds the user's ranges, newuidmap and pasta/slirp4netns.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
. "$(dirname "$0")/../lib/student.sh"
student gbrl
check "$U has a subuid range" grep -q "^$U:" /etc/subuid
check "$U has a subgid range" grep -q "^$U:" /etc/subgid

# What each lab must end in for an ordinary user here. SKIP names the exact reason.
declare -A EXPECT=(
    [01]=PASS [02]=PASS [03]=PASS [04]=PASS [05]=PASS [06]=PASS
    [11]=PASS [12]=PASS [13]=PASS [14]=PASS [15]=PASS [16]=PASS [17]=PASS [18]=PASS
    [21]="SKIP only root writes device rules"
)
code() { case $1 in PASS) echo 0 ;; FAIL) echo 1 ;; SKIP) echo 3 ;; *) echo 4 ;; esac; }
for n in 01 02 03 04 05 06 11 12 13 14 15 16 17 18 21; do
    want=${EXPECT[$n]}
    out=$(as_user lab check "$n" 2>&1); rc=$?
    verdict=$(tail -1 <<<"$out")
    if [ "$verdict" != "${want%% *}" ] || [ "$rc" != "$(code "${want%% *}")" ]; then
        printf '%s\n' "$out" | sed 's/^/    /'
    fi
    assert_eq "lab $n as $U ends $want" "${want%% *}:$(code "${want%% *}")" "$verdict:$rc"
    [ "${want%% *}" = SKIP ] && assert_contains "lab $n's skip says why" "${want#SKIP }" "$out"
    check "lab $n says nothing about a host without a feature" \
        bash -c "! grep -q 'this host has no' <<<\"\$1\"" _ "$out"
done

# The controls: each turns its lab's feature off and must still be seen rootless (exit 1:
# the named finding tripped). Lab 06's control, --userns=host, is root's alone; lab 21
# has no device rules to take away rootless (its check SKIPs before it looks, as above).
CONTROL_SKIP="no user namespace (--userns=host) needs privilege this user lacks"
for n in 01 02 03 04 05 06 11 12 13 14 15 16 17 18 21; do
    out=$(as_user lab check "$n" --control 2>&1); rc=$?
    want=1; case $n in 06 | 21) want=3 ;; esac
    [ "$rc" = "$want" ] || printf '%s\n' "$out" | sed 's/^/    /'
    assert_eq "lab $n's control as $U exits $want" "$want" "$rc"
    [ "$n" = 06 ] && assert_contains "lab 06's control says why it cannot run" "$CONTROL_SKIP" "$out"
    [ "$n" = 21 ] && assert_contains "lab 21's control says why it cannot run" "${EXPECT[21]#SKIP }" "$out"
done

# host-check: what root finds in the kernel, the user must not hear the kernel lacks.
root_json=$T/root.json user_json=$T/user.json
gb host-check --json >"$root_json"
as_user host-check --json >"$user_json"
check "host-check as $U gives valid JSON" bash -c "jq -e . \"\$1\" >/dev/null" _ "$user_json"
wrong=$(jq -r --slurpfile root "$root_json" '
    ($root[0].features | map(select(.available)) | map(.key)) as $has
    | .features[] | select(.available | not) | select(.missing_for == "kernel")
    | select(.key as $k | $has | index($k)) | "\(.key): \(.reason)"' "$user_json")
assert_eq "no feature the kernel has is put down to the kernel for $U" "" "$wrong"
for k in ns.mnt ns.uts ns.ipc ns.pid ns.net overlay pivot_root veth bridge; do
    [ "$(jq -r --arg k $k '.features[] | select(.key == $k) | .available' "$root_json")" = true ] || continue
    assert_eq "$k is available to $U (probed in a user namespace of its own)" true \
        "$(jq -r --arg k $k '.features[] | select(.key == $k) | .available' "$user_json")"
done
bad=$(jq -r '.features[] | select((.available and .missing_for != null) or
    ((.available | not) and .missing_for != "kernel" and .missing_for != "privilege")) | .key' \
    "$root_json" "$user_json")
assert_eq "missing_for is null, \"kernel\" or \"privilege\" as availability says (root and $U)" "" "$bad"
assert_eq "as root, the students' section says bridges work (root builds them)" true \
    "$(jq -r '.rootless[] | select(.key == "rootless.bridge") | .available' "$root_json")"
assert_eq "... and for $U too: in the student's network namespace" "true null" \
    "$(jq -r '.rootless[] | select(.key == "rootless.bridge") | "\(.available) \(.missing_for)"' "$user_json")"
priv=$(jq -r '[.features[] | select(.available | not) | select(.missing_for == "privilege" and (.privilege_fix // "") == "")] | length' "$user_json")
assert_eq "every privilege gap says what root must do" 0 "$priv"
rl() { jq -r --arg k "$1" '.rootless[] | select(.key == $k) | .available' "$user_json"; }
assert_eq "students' section: user namespaces for $U" true "$(rl rootless.userns)"
assert_contains "... with the limit" "max_user_namespaces = $(cat /proc/sys/user/max_user_namespaces)" \
    "$(jq -r '.rootless[] | select(.key == "rootless.userns") | .tested' "$user_json")"
sub=$(awk -F: -v u="$U" '$1 == u {print $3 " ids from " $2; exit}' /etc/subuid)
assert_contains "students' section: $U's subuid range" "$sub" \
    "$(jq -r '.rootless[] | select(.key == "rootless.subuid") | .tested' "$user_json")"
assert_eq "students' section: $U's subgid range" true "$(rl rootless.subgid)"
if [ -u "$(command -v newuidmap)" ] && [ -u "$(command -v newgidmap)" ]; then
    assert_eq "students' section: newuidmap/newgidmap setuid" true "$(rl rootless.idmap_helpers)"
fi
# pasta and slirp4netns need /dev/net/tun open to the user (Debian's 0666; some hosts 0600).
tun_ok=false
runuser -u "$U" -- sh -c 'exec 3<>/dev/net/tun' 2>/dev/null && tun_ok=true
if { command -v pasta >/dev/null || command -v slirp4netns >/dev/null; } && $tun_ok; then
    want=true; else want=false; fi
assert_eq "students' section: pasta or slirp4netns (installed: $want)" "$want" "$(rl rootless.network)"
text=$(as_user host-check 2>&1)
kernel_lacks=$(jq '[.features[] | select(.available | not)] | length' "$root_json")
assert_eq "the text form says 'the kernel lacks it' only where root's run lacks the feature" \
    "$kernel_lacks" "$(grep -c 'missing for: the kernel lacks it' <<<"$text")"
assert_contains "the text form has the students' section" "FOR ROOTLESS STUDENTS (uid $uid)" "$text"

for id in $(as_user ps -aq 2>/dev/null); do as_user rm -f "$id" >/dev/null 2>&1; done
check "nothing left: no container of $U" test -z "$(ls -A "$home/.local/share/glassbox/run/containers" 2>/dev/null)"
live() { ps -u "$uid" -o stat=,pid=,args= 2>/dev/null | awk '$1 !~ /^Z/'; }
assert_eq "nothing left: no live process of $U" "" "$(live)"
check "no scratch directory of host-check left in /tmp" bash -c "! ls -d /tmp/glassbox-hostcheck.* 2>/dev/null | grep -q ."
finish
