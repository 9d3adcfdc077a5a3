#!/usr/bin/env bash
# A container never holds the caller's terminal (issue 18). Every command runs under a
# pty this test owns (tests/lib/ptyrun.py): TIOCSTI from inside must fail and leave
# nothing in that pty's input queue, for run, run -t, exec, exec -t and a build's RUN;
# the negative control (--unsafe-pass-terminal) shows the keystrokes arriving. -t gives
# a pty of the container's own devpts with the size, signals and modes of a terminal.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd python3
need_cmd jq
PTY="python3 $GB_SRC/tests/lib/ptyrun.py"
PDIR=$(dirname "$GLASSBOX")/../libexec/glassbox
[ -x "$PDIR/glassbox-probe" ] || skip "glassbox-probe not built (make)"
PDIR=$(cd "$PDIR" && pwd)
ESC=tiocsti-stdin,tiocsti-tty,tiocsctty,termios
T=$(mktemp -d "$GB_TEST_ROOT/tty.XXXX")

j() { jq -r "$1" <<<"$2"; }
# The probe's JSON, out of what a terminal showed (\r\n line ends under -t).
probe_json() { j .output "$1" | tr -d '\r' | grep -o '{"probe".*'; }
status_of() { jq -r --arg n "$2" '.checks[] | select(.name == $n) | .status' <<<"$(probe_json "$1")"; }
expect_blocked() {  # label ptyrun-output
    local c
    for c in ${ESC//,/ }; do
        assert_eq "$1: $c" blocked "$(status_of "$2" $c)"
    done
    assert_eq "$1: nothing arrived in our terminal's input queue" "" "$(j .injected "$2")"
}

# --- the kernel's view: a session of its own, no controlling terminal, pipes ---
gb run -d --name tk busybox sleep 300 >/dev/null
pid=$(gb inspect --json tk | jq -r .state.pid)
read -r sid ttynr < <(awk '{sub(/.*\) /, ""); print $4, $5}' /proc/$pid/stat)
assert_eq "PID 1 leads a session of its own (/proc/PID/stat session = its PID)" "$pid" "$sid"
assert_eq "... and has no controlling terminal (tty_nr 0)" 0 "$ttynr"
check "setsid is a row of the step table" bash -c "'$GLASSBOX' steps | grep -qw setsid"
gb rm -f tk >/dev/null

# --- TIOCSTI and friends, from every way in ---
out=$($PTY -- "$GLASSBOX" run --rm -v "$PDIR:/p:ro" busybox /p/glassbox-probe --json --only $ESC)
expect_blocked "run" "$out"
out=$($PTY -- "$GLASSBOX" run --rm -t -v "$PDIR:/p:ro" busybox /p/glassbox-probe --json --only $ESC)
expect_blocked "run -t" "$out"
out=$($PTY -- "$GLASSBOX" run --rm -it -v "$PDIR:/p:ro" busybox /p/glassbox-probe --json --only $ESC)
expect_blocked "run -it" "$out"
gb run -d --name ex -v "$PDIR:/p:ro" busybox sleep 300 >/dev/null
out=$($PTY -- "$GLASSBOX" exec ex /p/glassbox-probe --json --only $ESC)
expect_blocked "exec" "$out"
out=$($PTY -- "$GLASSBOX" exec -it ex /p/glassbox-probe --json --only $ESC)
expect_blocked "exec -it" "$out"
out=$($PTY -- "$GLASSBOX" exec -t ex tty)
assert_eq "exec -t: the command's terminal is a pty of the container's devpts" /dev/pts/0 \
    "$(j .output "$out" | tr -d '\r')"
gb rm -f ex >/dev/null
cp "$PDIR/glassbox-probe" "$T/" && printf 'FROM busybox\nCOPY glassbox-probe /probe\nRUN /probe --json --only %s\n' $ESC >"$T/Dockerfile"
out=$($PTY -- "$GLASSBOX" build -t tty-probe --no-cache "$T")
assert_eq "build: the RUN with the probe succeeds (every escape blocked)" 0 "$(j .exit "$out")"
expect_blocked "build RUN" "$out"
gb rmi tty-probe >/dev/null 2>&1

# --- the negative control: the old pass-through lets the keystrokes in ---
out=$($PTY -- "$GLASSBOX" run --rm --unsafe-pass-terminal -v "$PDIR:/p:ro" busybox /p/glassbox-probe --json --only $ESC)
assert_eq "control (--unsafe-pass-terminal): TIOCSTI through fd 0 is possible" possible "$(status_of "$out" tiocsti-stdin)"
assert_eq "control: TIOCSTI through /dev/tty is possible" possible "$(status_of "$out" tiocsti-tty)"
assert_eq "control: termios of the host's terminal can change" possible "$(status_of "$out" termios)"
assert_eq "control: the two '#' arrived in our terminal's input queue" "##" "$(j .injected "$out")"
check "control: --unsafe-pass-terminal is not in run --help" bash -c "! '$GLASSBOX' run --help | grep -q unsafe"

# --- -t: a terminal of its own ---
out=$($PTY --rows 33 --cols 101 -- "$GLASSBOX" run --rm -t busybox sh -c 'tty; stty size')
assert_eq "run -t: tty inside prints /dev/pts/0, stty size our size" "/dev/pts/0 33 101" \
    "$(j .output "$out" | tr -d '\r' | xargs)"
out=$($PTY wait='# ' resize=40,120 sleep=0.3 send='stty size; exit 5\r' -- "$GLASSBOX" run --rm -it busybox sh)
check "run -it: a resize of our terminal shows inside (stty size: 40 120)" grep -q '^40 120' \
    <(j .output "$out" | tr -d '\r')
assert_eq "... and run returns the shell's exit code" 5 "$(j .exit "$out")"
assert_eq "... and our terminal's modes are restored" true "$(j .termios_restored "$out")"
out=$($PTY sleep=1 send='\x03' -- "$GLASSBOX" run --rm -it --init busybox sleep 100)
assert_eq "Ctrl-C goes through the container's line discipline: sleep dies, run returns 130" 130 "$(j .exit "$out")"
assert_eq "... our terminal's modes restored" true "$(j .termios_restored "$out")"
out=$($PTY sleep=1.5 run="'$GLASSBOX' kill tk9" -- "$GLASSBOX" run --rm -it --name tk9 busybox sh)
assert_eq "SIGKILL of the container: run returns 137" 137 "$(j .exit "$out")"
assert_eq "... our terminal's modes restored" true "$(j .termios_restored "$out")"
out=$($PTY sleep=1.5 signal=TERM -- "$GLASSBOX" run --rm -it busybox sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done')
assert_eq "SIGTERM of the CLI: forwarded to PID 1 (its trap exits 7)" 7 "$(j .exit "$out")"
assert_eq "... our terminal's modes restored" true "$(j .termios_restored "$out")"

# --- run -dit, attach, the detach keys ---
out=$($PTY wait='# ' send='echo before\r' sleep=0.3 send='\x10\x11' sleep=0.3 -- "$GLASSBOX" run -it --name at busybox sh)
assert_eq "run -it + Ctrl-P Ctrl-Q: run returns 0 at once" 0 "$(j .exit "$out")"
assert_eq "... our terminal's modes restored" true "$(j .termios_restored "$out")"
assert_eq "... and the container still runs" running "$(gb inspect --json at | jq -r .state.status)"
out=$($PTY sleep=0.5 send='echo again\r' wait=again sleep=0.2 send='\x10\x11' -- "$GLASSBOX" attach at)
check "attach: the same shell answers" grep -q '^again' <(j .output "$out" | tr -d '\r')
assert_eq "attach + Ctrl-P Ctrl-Q: detached, the container runs on" "0 running" \
    "$(j .exit "$out") $(gb inspect --json at | jq -r .state.status)"
out=$($PTY sleep=0.5 send='exit 3\r' -- "$GLASSBOX" attach --detach-keys ctrl-x at)
assert_eq "attach again (--detach-keys ctrl-x): exit 3 ends it, attach returns 3" "3 stopped" \
    "$(j .exit "$out") $(gb inspect --json at | jq -r .state.status)"
check "logs: what the pty printed, the session included" bash -c "'$GLASSBOX' logs at | grep -q '^before'"
gb rm at >/dev/null
gb run -dit --name dit busybox sh >/dev/null
sock=$GLASSBOX_ROOT/containers/$(gb inspect --json dit | jq -r .id)/attach.sock
assert_eq "run -dit: the attach socket is root's alone (mode 600)" "600 socket" "$(stat -c '%a %F' "$sock")"
out=$($PTY sleep=0.5 send='tty; exit 4\r' -- "$GLASSBOX" attach dit)
assert_eq "attach to run -dit: its pty is /dev/pts/0, exit 4 comes back" "4" "$(j .exit "$out")"
check "... and tty printed /dev/pts/0" grep -q '^/dev/pts/0' <(j .output "$out" | tr -d '\r')
out=$(gb attach dit 2>&1)
assert_contains "attach to a stopped container: a clear error" "nothing to attach to" "$out"
gb rm dit >/dev/null
gb run -d --name notty busybox sleep 60 >/dev/null
assert_contains "attach to a container without -t: says why and what to use" "logs -f" "$(gb attach notty 2>&1)"
gb rm -f notty >/dev/null
assert_contains "--detach-keys is checked" "invalid detach keys" "$(gb run --rm -it --detach-keys ctrl-1 busybox true 2>&1)"

# --- without -t: pipes, byte-exact, EOF, exit codes ---
assert_eq "-i: stdin is relayed and its EOF ends cat" "abc done" \
    "$(echo abc | gb run --rm -i busybox sh -c 'cat; echo done' | xargs)"
assert_eq "without -i: stdin is /dev/null" "/dev/null" "$(echo abc | gb run --rm busybox readlink /proc/self/fd/0)"
check "stdout and stderr are pipes, not our fds" bash -c \
    "'$GLASSBOX' run --rm busybox sh -c 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&1' | grep -c '^pipe:' | grep -qx 2"
head -c 10000000 /dev/urandom >"$T/rand"
assert_eq "10 MB of random bytes through run -i busybox cat: byte-exact" \
    "$(sha256sum <"$T/rand" | cut -d' ' -f1)" "$(gb run --rm -i busybox cat <"$T/rand" | sha256sum | cut -d' ' -f1)"
gb run --rm busybox sh -c 'echo out; echo err >&2; exit 3' >"$T/o" 2>"$T/e"
assert_eq "exit codes unchanged, stdout and stderr apart" "3 out err" "$? $(cat "$T/o") $(cat "$T/e")"

# --- run -dt: the monitor keeps the master and logs what the pty printed ---
gb run -dt --name dt busybox sh -c 'tty; echo from-the-pty' >/dev/null
for _ in $(seq 50); do gb logs dt 2>/dev/null | grep -q from-the-pty && break; sleep 0.1; done
assert_eq "run -dt: logs shows what the pty printed" "/dev/pts/0 from-the-pty" "$(gb logs dt | tr -d '\r' | xargs)"
gb rm -f dt >/dev/null

rm -rf "$T"
assert_nothing_left "after the terminal tests"
finish
