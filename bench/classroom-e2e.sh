#!/usr/bin/env bash
# A class end to end (docs/teaching.md, "Timings"), three students made here and removed at
# exit: the real `glassbox classroom setup --students FILE` (subuid/subgid lines, delegated
# cgroups, the spool, the roster) and `classroom teardown`; one student's whole
# `glassbox check` (labs 01-19, recorded) against root's `glassbox check` in the same run;
# all three students' `glassbox check` at once against one student alone; and
# `classroom status` with every record in against `glassbox ps -a`. Medians of wall time,
# each with its ratio to its peer, taking turns so that a busy machine slows both alike.
# Usage: bench/classroom-e2e.sh [RUNS]   (as root; a run of RUNS=3 takes about 6 minutes)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
[ "$(id -u)" -eq 0 ] || { echo "bench/classroom-e2e.sh: run as root" >&2; exit 1; }
W=$(mktemp -d /tmp/gbbench-e2e.XXXXXX)
chmod 755 "$W"
export GLASSBOX_CLASSROOM_DIR=$W/class GLASSBOX_ROOT=$W/root GLASSBOX_DATA_ROOT=$W/data
# Lab 19's guest kernel: the one make fetched, for root and the students alike (no download).
export GLASSBOX_VM_CACHE=${GLASSBOX_VM_CACHE:-$PWD/$BUILD/vm/kernel}
USERS=(gbbea$$ gbbeb$$ gbbec$$)
cleanup() {
    [ -e "$W/class/roster.json" ] && "$G" classroom teardown >/dev/null 2>&1
    for id in $("$G" ps -aq 2>/dev/null); do "$G" rm -f "$id" >/dev/null 2>&1; done
    for u in "${USERS[@]}"; do id "$u" >/dev/null 2>&1 && userdel -r "$u" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
for u in "${USERS[@]}"; do
    useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$u"
    echo "$u"
done >"$W/students"
mkdir -p "$W/bin" "$W/share" "$W/libexec"
cp "$G" "$W/bin/" && cp -a "$BUILD/share/glassbox" "$W/share/" && cp -a "$BUILD/libexec/glassbox" "$W/libexec/"
chmod -R o+rX "$W/bin" "$W/share" "$W/libexec"
UNI=
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && UNI=/sys/fs/cgroup
[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && UNI=/sys/fs/cgroup/unified
now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }
student() { # NAME ARGS...: a login shell of NAME (placed in its session leaf, as at login)
    local u=$1; shift
    (cd / && if [ -n "$UNI" ] && [ -d "$UNI/glassbox.class/$u/session" ]; then
            echo $BASHPID >"$UNI/glassbox.class/$u/session/cgroup.procs"; fi
     exec runuser -u "$u" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME HOME="$(getent passwd "$u" | cut -d: -f6)" "$W/bin/glassbox" "$@") \
        >/dev/null 2>&1
}
: >"$W/t"
"$G" check 1 >/dev/null 2>&1 || true # root's first run imports the image
for _ in $(seq "$RUNS"); do
    t=$(now); "$G" classroom setup --students "$W/students" >/dev/null
    echo "setup $(ms "$t")" >>"$W/t"
    for u in "${USERS[@]}"; do student "$u" check 1 || true; done # each imports the image once
    t=$(now); student "${USERS[0]}" check || true; echo "one $(ms "$t")" >>"$W/t"
    t=$(now); "$G" check >/dev/null 2>&1 || true; echo "root $(ms "$t")" >>"$W/t"
    t=$(now)
    for u in "${USERS[@]}"; do student "$u" check & done
    wait
    echo "three $(ms "$t")" >>"$W/t"
    t=$(now); "$G" classroom status >/dev/null; echo "status $(ms "$t")" >>"$W/t"
    t=$(now); "$G" ps -a >/dev/null; echo "ps $(ms "$t")" >>"$W/t"
    t=$(now); "$G" classroom teardown >/dev/null; echo "teardown $(ms "$t")" >>"$W/t"
done
python3 - "$W/t" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    t.setdefault(k, []).append(float(v))
m = {k: statistics.median(v) for k, v in t.items()}
print(f"classroom setup, 3 students        {m['setup']:8.0f} ms")
print(f"glassbox check (01-19), a student  {m['one'] / 1000:8.1f} s   "
      f"x{m['one'] / m['root']:.2f} of root's glassbox check ({m['root'] / 1000:.1f} s)")
print(f"three students' checks at once     {m['three'] / 1000:8.1f} s   "
      f"x{m['three'] / m['one']:.2f} of one student alone")
print(f"classroom status, 3 x 19 records   {m['status']:8.0f} ms  "
      f"x{m['status'] / m['ps']:.2f} of glassbox ps -a ({m['ps']:.0f} ms)")
print(f"classroom teardown                 {m['teardown']:8.0f} ms")
PY
