#!/usr/bin/env bash
# logs (and -f, which follows until PID 1 exits) and top (host PID beside the PID inside).
. "$(dirname "$0")/../lib/common.sh"
need_root

gb run -d --name lg busybox sh -c 'for i in 1 2 3; do echo line $i; sleep 0.2; done; echo done >&2' >/dev/null
out=$(timeout 10 "$GLASSBOX" logs -f lg 2>&1); rc=$?
assert_eq "logs -f returns when the container exits" 0 $rc
assert_eq "logs -f saw stdout and stderr, in order" "line 1 line 2 line 3 done" "$(echo $out)"
assert_eq "logs afterwards: the same lines" 4 "$(gb logs lg | wc -l)"
gb rm lg >/dev/null
gb run --name att busybox true
out=$(gb logs att 2>&1)
assert_contains "an attached run has no log, and logs says why" "its output went to the terminal" "$out"
gb rm att >/dev/null

gb run -d --name tp busybox sh -c 'sleep 100 & zombie-maker 2 sleep 300' >/dev/null
sleep 1
pid=$(jq -r .state.pid < <(gb inspect --json tp))
top=$(gb top tp)
assert_eq "top: PID 1 inside is the host PID that inspect reports" "$pid 1" \
    "$(awk 'NR > 1 && $2 == 1 {print $1, $2}' <<<"$top")"
check "top: every row's host PID has that PID inside in NSpid" bash -c '
    ok=1; while read -r host inside _; do
        [ "$(awk "/^NSpid/ {print \$NF}" /proc/$host/status)" = "$inside" ] || ok=0
    done < <(tail -n +2 <<<"'"$top"'" | grep -v zombie); [ $ok = 1 ]'
check "top: the zombies show as Z" bash -c "[ \$(awk 'NR > 1 && \$3 == \"Z\"' <<<'$top' | wc -l) -ge 1 ]"
check "top: only the container's processes (no host shell)" bash -c "! grep -q bash <<<'$top'"
gb stop -t 0 tp >/dev/null
out=$(gb top tp 2>&1)
assert_contains "top of a stopped container is a clear error" "container tp is stopped" "$out"
gb rm tp >/dev/null
assert_nothing_left "after logs and top"
finish
