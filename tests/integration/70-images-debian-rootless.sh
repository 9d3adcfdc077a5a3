#!/usr/bin/env bash
# FROM debian:bookworm as an ordinary user (issue 21, lab 20 without root): an ordinary
# user made for this test (subuid/subgid ranges; removed at exit) builds an image whose
# RUN installs a package. mmdebstrap (unshare mode) writes the base as a tar, unpacked as
# root of the user's container map: on disk, root's files belong to the user and every
# other id to its subordinate range, exactly where a RUN would put them; dpkg renames
# directories, which the overlay of a user namespace allows only with userxattr. SLOW:
# mmdebstrap from the mirror each run (the user's data root goes with the user), so
# only with GB_SLOW_TESTS=1.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
if [ "${GB_SLOW_TESTS:-}" != 1 ]; then
    echo "SKIP: makes a Debian base from the mirror as a new user (~30-60 s): set GB_SLOW_TESTS=1" >&2
    exit 77
fi
command -v mmdebstrap >/dev/null || skip "needs mmdebstrap (make deps): debootstrap needs root"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"${mirror:-http://deb.debian.org/debian}")
timeout 5 bash -c "</dev/tcp/$host/80" 2>/dev/null || skip "the Debian mirror $host is unreachable"
. "$(dirname "$0")/../lib/student.sh"
student gbdr 600
tag=deb70r-$$
ctx=$T/ctx
mkdir -p "$ctx"
cat >"$ctx/Dockerfile" <<'DF'
FROM debian:bookworm
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends hello >/dev/null && rm -rf /var/lib/apt/lists/*
CMD ["hello"]
DF
chown -R "$U:" "$ctx"
out=$(as_user build -t "$tag" "$ctx" 2>&1)
check "the debian build as $U succeeds" grep -q "Successfully tagged $tag" <<<"$out" ||
    echo "$out" | grep -v '^I: ' | tail -20
assert_eq "the installed program runs (dpkg could rename its directories)" "Hello, world!" \
    "$(as_user run --rm "$tag" 2>&1)"
data=$home/.local/share/glassbox
root=$data/layers/$(jq -r '.layers[0]' "$data/images/debian:bookworm.json")/diff
subgid=$(awk -F: -v u="$U" '$1 == u {print $2; exit}' /etc/subgid)
shadow=$(awk -F: '$1 == "shadow" {print $3}' "$root/etc/group")
check "base: the image's group shadow exists" test -n "$shadow"
assert_eq "base: /usr/bin belongs to $U (root inside)" "$uid:$(id -g "$U")" \
    "$(stat -c %u:%g "$root/usr/bin")"
assert_eq "base: /etc/shadow's group is shadow ($shadow) mapped into $U's subgid range" \
    $((subgid + shadow - 1)) "$(stat -c %g "$root/etc/shadow")"
assert_eq "... seen from a container: root shadow" "root shadow" \
    "$(as_user run --rm "$tag" stat -c '%U %G' /etc/shadow 2>&1)"
check "base: no device nodes (the container gets its own /dev)" \
    test -z "$(find "$root" -xdev \( -type c -o -type b \) 2>/dev/null | head -1)"
check "base: no tar left next to the layer" test ! -e "$root.tar"
check "base: apt lists cleaned" test -z "$(ls "$root/var/lib/apt/lists" | grep -v -e lock -e partial -e auxfiles)"
check "base: policy-rc.d forbids daemons (exit 101)" bash -c "'$root/usr/sbin/policy-rc.d'; test \$? -eq 101"
finish
