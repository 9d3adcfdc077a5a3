#!/usr/bin/env bash
# The cost of `glassbox exec NAME true` with the protections of docs/security.md ("A
# glassbox process inside the container": non-dumpable, fds closed, the sealed
# trampoline) against the same binary without them (GLASSBOX_UNSAFE_DUMPABLE=1, the
# code path as it was before), `nsenter -a` (the floor: setns + fork + exec, nothing
# else) and `runc exec` when runc is installed, all in one run. The commands take turns
# (A B C D A B C D ...) so that a busy machine slows each of them alike; medians of wall
# time and of CPU time (user + system of the command and its children) are printed with
# their ratio to the unprotected exec. Also the cost per start (`run --rm busybox true`).
# Usage: [BEFORE=OLD_GLASSBOX] bench/exec.sh [RUNS]   (as root)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-200}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
[ "$(id -u)" -eq 0 ] || { echo "bench/exec.sh: run as root" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench/exec.sh: needs python3" >&2; exit 1; }
W=$(mktemp -d /var/tmp/gbbench-exec.XXXXXX)
export GLASSBOX_ROOT=/run/gbbench-exec.$$ GLASSBOX_DATA_ROOT=$W/data
RUNC_ROOT=/run/gbbench-exec-runc.$$
cleanup() {
    "$G" rm -f gbbench-exec >/dev/null 2>&1 || true
    if command -v runc >/dev/null; then runc --root "$RUNC_ROOT" delete -f gbbench-exec >/dev/null 2>&1 || true; fi
    rm -rf "$W" "$GLASSBOX_ROOT" "$RUNC_ROOT"
}
trap cleanup EXIT
"$G" run -d --name gbbench-exec busybox sleep 3600 >/dev/null
PID=$("$G" inspect --json gbbench-exec | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"]["pid"])')

cmds=("glassbox|$G exec gbbench-exec true"
      "glassbox-unprotected|GLASSBOX_UNSAFE_DUMPABLE=1 $G exec gbbench-exec true"
      "nsenter|nsenter -t $PID -a true")
# BEFORE=/path/to/an/older/glassbox: that binary too (e.g. one built before issue 19).
[ -n "${BEFORE:-}" ] && cmds+=("before|$BEFORE exec gbbench-exec true")
# runc exec into a runc container made from the same busybox root filesystem.
if command -v runc >/dev/null; then
    mkdir -p "$W/bundle"
    cp -a "$BUILD/share/glassbox/images/busybox/rootfs" "$W/bundle/rootfs"
    (cd "$W/bundle" && runc spec && python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sleep", "3600"]
json.dump(c, open("config.json", "w"))
PY
    )
    if runc --root "$RUNC_ROOT" run -d -b "$W/bundle" gbbench-exec </dev/null >/dev/null 2>&1; then
        cmds+=("runc|runc --root $RUNC_ROOT exec gbbench-exec true")
    else
        echo "(runc run -d failed here: runc left out)"
    fi
fi
starts=("glassbox run|$G run --rm busybox true"
        "glassbox run unprotected|GLASSBOX_UNSAFE_DUMPABLE=1 $G run --rm busybox true")
[ -n "${BEFORE:-}" ] && starts+=("before run|$BEFORE run --rm busybox true")

python3 - "$RUNS" "${cmds[@]}" -- "${starts[@]}" <<'PY'
import os, shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
rest = sys.argv[2:]
split = rest.index("--")
groups = [("exec", rest[:split], runs), ("start", rest[split + 1:], max(20, runs // 4))]

def parse(spec):
    name, cmd = spec.split("|", 1)
    env = dict(os.environ)
    words = shlex.split(cmd)
    while words and "=" in words[0] and not words[0].startswith("/"):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    return name, words, env

def once(words, env):
    t = time.perf_counter()
    p = subprocess.Popen(words, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        sys.exit(f"{' '.join(words)} failed (status {status})")
    return wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000

for label, specs, n in groups:
    cmds = [parse(s) for s in specs]
    for _, words, env in cmds:  # warm up
        for _ in range(3):
            once(words, env)
    wall = {c[0]: [] for c in cmds}
    cpu = {c[0]: [] for c in cmds}
    for _ in range(n):
        for name, words, env in cmds:
            w, c = once(words, env)
            wall[name].append(w)
            cpu[name].append(c)
    base = cmds[1][0]
    bw, bc = statistics.median(wall[base]), statistics.median(cpu[base])
    print(f"\n{label}: {n} runs each, taking turns")
    print(f"{'what':26} {'wall ms':>8} {'ratio':>6} {'cpu ms':>7} {'ratio':>6}")
    for name, _, _ in cmds:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"{name:26} {w:8.2f} {w / bw:6.2f} {c:7.2f} {c / bc:6.2f}")
PY
