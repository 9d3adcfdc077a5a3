# Shared by tests/integration/20-net-*.sh. Every network test runs inside a network
# namespace of its own (unshare --net): the host's interfaces are never touched and no
# packet leaves that namespace. "Containers" here are sleeping processes in further
# network namespaces, reached with nsenter.

BUILD=${BUILD:-build}
NETTOOL=${NETTOOL:-$BUILD/tests/nettool}
FAILED=0

net_enter_private_netns() {   # re-run the calling script inside a new network namespace
	if [ -z "${GB_NET_PRIVATE:-}" ]; then
		command -v unshare >/dev/null || { echo "SKIP: unshare(1) missing" >&2; exit 77; }
		[ -x "$NETTOOL" ] || { echo "SKIP: $NETTOOL not built (make)" >&2; exit 77; }
		[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces" >&2; exit 77; }
		GB_NET_PRIVATE=1 exec unshare --net -- "$0" "$@"
	fi
	ip link set lo up
}

# The start of every test that runs the real engine: the glassbox binary, a private network
# namespace (net_enter_private_netns), private state and data roots under ROOT, `gb` to
# call glassbox with them, and a cleanup at exit that removes every container made.
#   net_engine_test NAME "$@"
net_engine_test() {
	local name=$1; shift
	GLASSBOX=${GLASSBOX:-$PWD/$BUILD/bin/glassbox}
	[ -x "$GLASSBOX" ] || { echo "SKIP: $GLASSBOX not built" >&2; exit 77; }
	net_enter_private_netns "$@"
	ROOT=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbnet-$name.XXXXXX")
	trap net_engine_cleanup EXIT
}
gb() { "$GLASSBOX" --root "$ROOT/run" --data-root "$ROOT/data" "$@"; }
net_engine_cleanup() {
	for id in $(gb ps -a -q 2>/dev/null); do gb rm -f "$id" >/dev/null 2>&1; done
	rm -rf "$ROOT"
}

ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; FAILED=1; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
check_not() { local what=$1; shift; if "$@" >/dev/null 2>&1; then bad "$what"; else ok "$what"; fi; }

SLEEPERS=()
new_container() {             # new_container VAR: VAR= pid of a process in a fresh netns
	unshare --net sleep 120 </dev/null >/dev/null 2>&1 &
	SLEEPERS+=($!)
	printf -v "$1" %s $!
}
serve() {                     # serve PID PORT REPLY: a TCP server inside PID's netns
	# nsenter execs nc in place, so $! is the server itself and kill_containers stops it.
	nsenter --net=/proc/$1/ns/net busybox nc -ll -p "$2" -e /bin/busybox echo "$3" \
		</dev/null >/dev/null 2>&1 &
	SLEEPERS+=($!)
}
in_ns() { local pid=$1; shift; nsenter --net=/proc/$pid/ns/net "$@"; }
# unreachable WHAT PID|- IP: ping from PID's network namespace (- for this one) gets no
# reply. Only ping's own "no reply" counts: nsenter failing, or no ping, is a failure.
unreachable() {
	local what=$1 pid=$2 ip=$3 out
	local run=(sh -c 'busybox ping -c1 -W1 "$0" >/dev/null 2>&1; echo "rc=$?"' "$ip")
	if [ "$pid" = - ]; then out=$("${run[@]}" 2>&1); else out=$(in_ns "$pid" "${run[@]}" 2>&1); fi
	if [ "$out" = rc=1 ]; then ok "$what"; else bad "$what (ping said: $out)"; fi
}
kill_containers() { for p in "${SLEEPERS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }

# Only loopback left, no address but 127.0.0.1 and ::1, no route at all.
only_lo() {
	local links addrs routes
	links=$("$@" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
	addrs=$("$@" ip -o addr show | grep -v ' lo ' || true)
	routes=$("$@" ip route show; "$@" ip -6 route show | grep -v '^::1 ' || true)
	[ "$links" = "lo " ] && [ -z "$addrs" ] && [ -z "$routes" ]
}
