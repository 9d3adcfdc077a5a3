# A virtual X display of the test's own for the viz's windowed tests (50-viz-xvfb,
# 50-viz-slides-xvfb, 93-vm-viz-live): Xvfb picks a free display number and writes it to a
# file; DISPLAY is set, and Xvfb is stopped at the test's exit. Source after common.sh:
#   . "$(dirname "$0")/../lib/xvfb.sh"; start_xvfb 1280x720
start_xvfb() { # WxH
    need_cmd Xvfb
    exec 5>"$GB_TEST_ROOT/display"
    Xvfb -displayfd 5 -screen 0 "$1x24" -nolisten tcp >"$GB_TEST_ROOT/xvfb.log" 2>&1 &
    XVFB=$!
    trap 'kill $XVFB 2>/dev/null; gb_cleanup' EXIT
    for _ in $(seq 50); do [ -s "$GB_TEST_ROOT/display" ] && break; sleep 0.1; done
    [ -s "$GB_TEST_ROOT/display" ] || skip "Xvfb did not start: $(cat "$GB_TEST_ROOT/xvfb.log")"
    export DISPLAY=:$(cat "$GB_TEST_ROOT/display")
}
