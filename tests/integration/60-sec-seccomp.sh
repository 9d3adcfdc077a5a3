#!/bin/bash
# seccomp through sectool (tests/sec/sectool.c): the default profile makes a call fail
# with EPERM inside and not outside; a Docker-format profile blocking mkdir is honoured;
# malformed profiles are clear errors before anything runs.
set -u
BUILD=${BUILD:-build}
SECTOOL=$BUILD/tests/sectool
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root" >&2; exit 77; }
[ -x "$SECTOOL" ] || { echo "SKIP: $SECTOOL not built (make)" >&2; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: no unshare(1)" >&2; exit 77; }
T=$(mktemp -d "${GB_TEST_ROOT:-/tmp}/gbsec-seccomp.$$.XXXX")
trap 'rm -rf "$T"' EXIT
fails=0
ok()   { echo "ok   - $*"; }
bad()  { echo "FAIL - $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# 1. The default profile: filter mode 2, and unshare(CLONE_NEWUSER) is EPERM inside...
out=$("$SECTOOL" run -- sh -c 'grep "^Seccomp:" /proc/self/status; unshare -U true' 2>&1)
check "default profile: /proc/self/status says Seccomp: 2" grep -q "Seccomp:.2" <<<"$out"
check "default profile: unshare(CLONE_NEWUSER) fails with EPERM inside" \
	grep -q "Operation not permitted" <<<"$out"
# ...and works outside, and with seccomp=unconfined.
check "outside: unshare -U works" unshare -U true
out=$("$SECTOOL" run --seccomp unconfined -- sh -c 'grep "^Seccomp:" /proc/self/status; unshare -U true && echo UNSHARED' 2>&1)
check "seccomp=unconfined: Seccomp: 0 and unshare -U works" \
	bash -c 'grep -q "Seccomp:.0" <<<"$1" && grep -q UNSHARED <<<"$1"' _ "$out"
# With CAP_SYS_ADMIN the default profile opens the namespace calls too.
out=$("$SECTOOL" run --cap-add SYS_ADMIN -- sh -c 'unshare -U true && echo UNSHARED' 2>&1)
check "default profile + CAP_SYS_ADMIN: unshare allowed" grep -q UNSHARED <<<"$out"

# 2. A Docker-format profile that blocks mkdir.
cat > "$T/nomkdir.json" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "syscalls": [
    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
  ]
}
JSON
out=$("$SECTOOL" run --seccomp "$T/nomkdir.json" -- mkdir "$T/inside" 2>&1)
check "Docker profile: mkdir fails inside with EPERM" grep -q "Operation not permitted" <<<"$out"
check "Docker profile: the directory was not created" test ! -e "$T/inside"
check "Docker profile: touch (not mkdir) still works inside" \
	"$SECTOOL" run --seccomp "$T/nomkdir.json" -- touch "$T/file"
check "outside: mkdir works" mkdir "$T/outside"

# 3. Malformed profiles: exit 2, a message naming the member, the command never runs.
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [\n {"names": ["mkdir"], "action": "SCMP_ACT_EROR"}\n]}\n' > "$T/bad1.json"
printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [\n' > "$T/bad2.json"
for f in bad1 bad2; do
	out=$("$SECTOOL" run --seccomp "$T/$f.json" -- touch "$T/ran-$f" 2>&1); rc=$?
	check "$f.json: refused with exit 2" test "$rc" -eq 2
	check "$f.json: nothing ran" test ! -e "$T/ran-$f"
	echo "     message: $(head -1 <<<"$out")"
done
check "bad1.json: error names syscalls[0].action" grep -q 'syscalls\[0\]\.action.*SCMP_ACT_EROR' <<<"$("$SECTOOL" run --seccomp "$T/bad1.json" -- true 2>&1)"
check "bad2.json: error names the line" grep -q 'line [0-9]' <<<"$("$SECTOOL" run --seccomp "$T/bad2.json" -- true 2>&1)"
check "missing profile: clear error" grep -q "cannot read the seccomp profile" <<<"$("$SECTOOL" run --seccomp "$T/nope.json" -- true 2>&1)"

[ "$fails" -eq 0 ] || { echo "$fails assertion(s) failed"; exit 1; }
