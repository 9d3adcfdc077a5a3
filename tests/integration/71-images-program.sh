#!/usr/bin/env bash
# The image commands in a program of their own (issue 12, docs/images.md): `glassbox` is
# not linked with libcurl, libarchive or libcrypto (a start maps none of them);
# glassbox-images is. `glassbox pull ...` execs it with the same arguments (exit code its
# own); run's auto-pull and build's ADD of a tar run it as a child whose error comes back
# and is printed once; a missing glassbox-images is named, with nothing left behind.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd ldd
need_cmd nm
need_cmd jq
need_cmd python3
IMG=$(dirname "$(dirname "$GLASSBOX")")/libexec/glassbox/glassbox-images
check "glassbox-images is built next to glassbox ($IMG)" test -x "$IMG"

libs=$(ldd "$GLASSBOX")
for l in libcurl libarchive libcrypto; do
    case $libs in *$l*) not_ok "glassbox is linked with $l" ;; *) ok "glassbox is not linked with $l" ;; esac
    assert_contains "glassbox-images is linked with $l" "$l" "$(ldd "$IMG")"
done
assert_eq "glassbox takes no curl_/archive_/EVP_ symbol" "" \
    "$(nm -u "$GLASSBOX" | grep -E ' (curl_|archive_|EVP_)' || true)"

# What a start maps: the loader opens no image library (/proc/PID/maps of a running one).
id=$(gb run -d --name maps-$$ busybox sleep 30)
mon=$(jq -r '.state.monitor' "$GLASSBOX_ROOT/containers/$id/container.json")
check "the detached container has a monitor ($mon)" test -r "/proc/$mon/maps"
assert_eq "its monitor (a glassbox process) maps no image library" "" \
    "$(grep -E 'libcurl|libarchive|libcrypto' "/proc/$mon/maps" || true)"
gb rm -f maps-$$ >/dev/null

# Same arguments, same exit code: a usage error of `tag` is glassbox-images' own.
gb tag >"$GB_TEST_ROOT/a.out" 2>&1; a=$?
"$IMG" tag >"$GB_TEST_ROOT/b.out" 2>&1; b=$?
check "glassbox tag exits as glassbox-images tag does ($a, not 0)" test "$a" = "$b" -a "$a" != 0
assert_eq "and says the same" "$(cat "$GB_TEST_ROOT/b.out")" "$(cat "$GB_TEST_ROOT/a.out")"
out=$(gb image ls 2>&1)
assert_contains "glassbox image ls runs through glassbox-images" "busybox" "$out"
if command -v strace >/dev/null; then
    strace -f -s 300 -e trace=execve -o "$GB_TEST_ROOT/exec.txt" \
        "$GLASSBOX" --root "$GLASSBOX_ROOT" image ls >/dev/null 2>&1
    line=$(grep 'glassbox-images' "$GB_TEST_ROOT/exec.txt" | head -1)
    assert_contains "glassbox execs libexec/glassbox/glassbox-images" \
        'libexec/glassbox/glassbox-images", [' "$line"
    assert_contains "with glassbox's own arguments" \
        "\"--root\", \"$GLASSBOX_ROOT\", \"image\", \"ls\"]" "$line"
    assert_eq "in the same process: glassbox, then glassbox-images, one pid" 1 \
        "$(awk '/execve\(/ {print $1}' "$GB_TEST_ROOT/exec.txt" | sort -u | wc -l)"
fi

# The child's error comes back: a registry nobody listens on (loopback port 1).
err=$(gb run --rm localhost:1/nope true 2>&1); rc=$?
assert_eq "run of an unreachable registry image exits 125" 125 "$rc"
assert_eq "its error is printed once" 1 "$(grep -c "Couldn't connect" <<<"$err")"
assert_eq "and no container is left" "" "$(gb ps -aq)"

# ADD of a tar whose entry climbs out: refused by the unpacker in glassbox-images.
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx"
python3 - "$ctx/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"out\n"
    i = tarfile.TarInfo("../escape.txt"); i.size = len(data)
    t.addfile(i, io.BytesIO(data))
PY
printf 'FROM busybox\nADD evil.tar /x/\n' >"$ctx/Dockerfile"
err=$(gb build -t evil-$$ "$ctx" 2>&1); rc=$?
check "build with ADD of an escaping tar fails ($rc)" test "$rc" != 0
assert_eq "the unpacker's refusal is printed once, naming the ADD" 1 "$(grep -c 'from ADD evil.tar' <<<"$err")"
check "no image evil-$$" test -z "$(gb images | grep "evil-$$")"

# Without glassbox-images: the path is named, run leaves nothing.
out=$(GLASSBOX_IMAGES=$GB_TEST_ROOT/none gb pull localhost:1/x 2>&1); rc=$?
assert_eq "pull without glassbox-images exits 127" 127 "$rc"
assert_contains "and names the missing program" "$GB_TEST_ROOT/none" "$out"
out=$(GLASSBOX_IMAGES=$GB_TEST_ROOT/none gb run --rm localhost:1/x true 2>&1); rc=$?
assert_eq "run's auto-pull without it exits 125" 125 "$rc"
assert_contains "naming it" "$GB_TEST_ROOT/none" "$out"
assert_nothing_left "the image program's runs"
finish
