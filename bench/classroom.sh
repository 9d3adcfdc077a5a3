#!/usr/bin/env bash
# The classroom's costs (docs/teaching.md), for three students made here and removed at
# exit: the results spool's setup and teardown; a student's `glassbox lab check 1` with a
# class here (the check, then its record in the spool) against the same check with no
# class (GLASSBOX_CLASSROOM_DIR empty: nothing recorded), taking turns so that a busy
# machine slows both alike; and `glassbox classroom status` (three students, live
# containers counted as each of them) against `glassbox ps -a` in the same run. Medians
# of wall time, and each one's ratio to its peer.
# Usage: bench/classroom.sh [RUNS]   (as root)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-10}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox" S="$PWD/$BUILD/tests/spooltool"
[ "$(id -u)" -eq 0 ] || { echo "bench/classroom.sh: run as root" >&2; exit 1; }
[ -x "$S" ] || { echo "bench/classroom.sh: make first (needs $S)" >&2; exit 1; }
W=$(mktemp -d /tmp/gbbench-class.XXXXXX)
chmod 755 "$W"
USERS=(gbbca$$ gbbcb$$ gbbcc$$)
cleanup() {
    for u in "${USERS[@]}"; do id "$u" >/dev/null 2>&1 && userdel -r "$u" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
for u in "${USERS[@]}"; do useradd -m -s /bin/sh "$u"; echo "$u"; done > "$W/students"
mkdir -p "$W/class" "$W/noclass" "$W/bin" "$W/share" "$W/libexec"
cp "$G" "$W/bin/" && cp -a "$BUILD/share/glassbox" "$W/share/" && cp -a "$BUILD/libexec/glassbox" "$W/libexec/"
chmod -R o+rX "$W"
"$S" roster "$W/class" "$W/students"
ms() { python3 -c 'import sys,time; t=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print((time.monotonic()-t)*1000)' "$@"; }
as_student() { # CLASSDIR ARGS...
    local dir=$1; shift
    ms runuser -u "${USERS[0]}" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        HOME="$(getent passwd "${USERS[0]}" | cut -d: -f6)" GLASSBOX_CLASSROOM_DIR="$dir" "$W/bin/glassbox" "$@"
}
"$S" setup "$W/class"
as_student "$W/noclass" lab check 1 >/dev/null # the first run imports the image
: > "$W/t"
for _ in $(seq "$RUNS"); do
    echo "setup $(ms "$S" setup "$W/class")" >> "$W/t"
    echo "check-recorded $(as_student "$W/class" lab check 1)" >> "$W/t"
    echo "check-no-class $(as_student "$W/noclass" lab check 1)" >> "$W/t"
    echo "status $(GLASSBOX_CLASSROOM_DIR=$W/class ms "$G" classroom status)" >> "$W/t"
    echo "ps $(ms "$G" ps -a)" >> "$W/t"
done
echo "teardown $(ms "$S" teardown "$W/class")" >> "$W/t"
python3 - "$W/t" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    t.setdefault(k, []).append(float(v))
m = {k: statistics.median(v) for k, v in t.items()}
print(f"spool setup, 3 students     {m['setup']:8.1f} ms")
print(f"spool teardown              {m['teardown']:8.1f} ms")
print(f"lab check 1, recorded       {m['check-recorded']:8.1f} ms  "
      f"x{m['check-recorded'] / m['check-no-class']:.2f} of the same check with no class "
      f"({m['check-no-class']:.1f} ms)")
print(f"classroom status, 3 students{m['status']:8.1f} ms  x{m['status'] / m['ps']:.2f} of "
      f"glassbox ps -a ({m['ps']:.1f} ms)")
PY
