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

# A built image: its layers packed into tar+gzip blobs (whiteouts back to .wh. form),
# pushed, pulled into a third data root and run there.
B=$T/build && mkdir -p "$B"
cat > "$B/Dockerfile" <<'DF'
FROM busybox
RUN rm /etc/motd && mkdir -p /srv/data && echo built-here > /srv/data/hello && ln /srv/data/hello /srv/data/hard && chown 1234:5678 /srv/data/hello && chmod 0640 /srv/data/hello
CMD ["cat", "/srv/data/hello"]
DF
check "build an image" gb build -q -t app:1 "$B"
check "tag it for the registry" gb tag app:1 $REG/team/app:1
out=$(gb push $REG/team/app:1 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "push the built image" test $rc -eq 0
built_digest=$(sk inspect "docker://$REG/team/app:1" | jq -r .Digest)
assert_contains "push names the digest the registry has" "1: digest: $built_digest" "$out"
raw=$(sk inspect --raw "docker://$REG/team/app:1")
assert_eq "an OCI manifest" application/vnd.oci.image.manifest.v1+json "$(jq -r .mediaType <<<"$raw")"
top=$(jq -r '.layers[-1].digest' <<<"$raw")
sk copy -q "docker://$REG/team/app:1" "oci:$T/app-layout:1" >/dev/null
tarlist=$(tar -tvzf "$T/app-layout/blobs/sha256/${top#sha256:}")
assert_contains "the deleted /etc/motd is a .wh. file in the blob" "etc/.wh.motd" "$tarlist"
assert_contains "owners and modes kept" "-rw-r----- 1234/5678" "$(grep 'srv/data/hello$' <<<"$tarlist")"
assert_contains "the hard link is a hard link" "srv/data/hard link to srv/data/hello" "$tarlist"
check "no overlay device or xattr in the blob" bash -c "! grep -q '^c' <<<'$tarlist'"
assert_eq "the config's diff_ids match the blobs" "$(jq -r '.rootfs.diff_ids | length' < "$T/app-layout/blobs/sha256/$(jq -r .config.digest <<<"$raw" | cut -c8-)")" \
    "$(jq -r '.layers | length' <<<"$raw")"
third=$GB_TEST_ROOT/data3
check "pull it into a third data root" env GLASSBOX_DATA_ROOT=$third $GLASSBOX pull $REG/team/app:1
assert_eq "... and run it: CMD from the pushed config" built-here "$(GLASSBOX_DATA_ROOT=$third gb run --rm $REG/team/app:1 2>&1)"
check "... the whiteout applies" bash -c "! GLASSBOX_DATA_ROOT=$third $GLASSBOX run --rm $REG/team/app:1 cat /etc/motd 2>/dev/null"
assert_eq "... the owner survived" "1234:5678 640" "$(GLASSBOX_DATA_ROOT=$third gb run --rm $REG/team/app:1 stat -c '%u:%g %a' /srv/data/hello 2>&1)"
out=$(gb push $REG/team/app:1 2>&1)
assert_contains "a second push reuses the cached blobs: the same digest" "1: digest: $built_digest" "$out"
out=$(gb push $REG/nosuch:1 2>&1); rc=$?
check "pushing an image glassbox lacks fails" test $rc -ne 0
assert_contains "... with the way to fix it" "glassbox tag IMAGE $REG/nosuch:1" "$out"

# login: a registry with htpasswd auth. The bcrypt line is made by perl's crypt(), which
# is libxcrypt's (Debian's perl-base and libcrypt1 are always there; htpasswd of
# apache2-utils may not be).
USER_=gb72user PASS_=s3cret-$$
salt=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 21)u
hash=$(perl -e 'print crypt($ARGV[0], "\$2b\$10\$" . $ARGV[1])' "$PASS_" "$salt")
[[ $hash == '$2b$10$'* ]] || skip "this libcrypt makes no bcrypt hashes (perl crypt gave '$hash')"
echo "$USER_:$hash" > "$T/htpasswd"
start_registry 5001 "$T/htpasswd" || { not_ok "the registry with auth listening"; finish; }
AREG=127.0.0.1:5001
check "tag for the registry with auth" gb tag app:1 $AREG/private/app:1
out=$(gb push $AREG/private/app:1 2>&1); rc=$?
check "push without login is refused" test $rc -ne 0
assert_contains "... saying what to do" "glassbox login" "$out"
out=$(echo wrong | gb login --username $USER_ --password-stdin $AREG 2>&1); rc=$?
check "login with a wrong password is refused" test $rc -ne 0
assert_contains "... naming the refusal" "refused the credentials" "$out"
check "... and stores nothing" bash -c "! grep -qs '$AREG' '$DOCKER_CONFIG/config.json'"
out=$(echo "$PASS_" | gb login --username $USER_ --password-stdin $AREG 2>&1); rc=$?
check "login with the right password" test $rc -eq 0
assert_contains "... says where it stored it" "$DOCKER_CONFIG/config.json" "$out"
assert_eq "config.json is 0600" 600 "$(stat -c %a "$DOCKER_CONFIG/config.json")"
assert_eq "its directory is 0700" 700 "$(stat -c %a "$DOCKER_CONFIG")"
assert_eq "auths.{registry}.auth is base64 of user:password (Docker's form)" "$USER_:$PASS_" \
    "$(jq -r --arg r $AREG '.auths[$r].auth' "$DOCKER_CONFIG/config.json" | base64 -d)"
out=$(gb push $AREG/private/app:1 2>&1); rc=$?
check "push with the stored credentials" test $rc -eq 0
assert_eq "skopeo with the same credentials sees the digest push printed" \
    "$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | tail -1)" \
    "$(sk inspect --creds "$USER_:$PASS_" "docker://$AREG/private/app:1" | jq -r .Digest)"
out=$(GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data4 gb pull $AREG/private/app:1 2>&1); rc=$?
check "pull with the stored credentials" test $rc -eq 0
check "logout" gb logout $AREG
check "... removes the entry" bash -c "! jq -e --arg r $AREG '.auths[\$r]' '$DOCKER_CONFIG/config.json' >/dev/null"
out=$(GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data5 gb pull $AREG/private/app:1 2>&1); rc=$?
check "pull after logout is refused" test $rc -ne 0
assert_contains "... saying what to do" "glassbox login" "$out"
out=$(gb logout $AREG 2>&1); rc=$?
check "a second logout says there was nothing" test $rc -ne 0
assert_contains "... naming the registry" "not logged in to $AREG" "$out"

assert_nothing_left "after the round trip"
finish
