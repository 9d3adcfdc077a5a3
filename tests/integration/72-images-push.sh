#!/usr/bin/env bash
# The registry side of issue 15: glassbox tag, push, login/logout, against Debian's
# docker-registry started here in a network namespace of this test's own (loopback only).
# A pulled image pushed back is byte-identical (the same manifest digest skopeo sees); a
# built image is packed into tar+gzip blobs, pushed, pulled into a second data root and
# run; a registry with htpasswd auth refuses a wrong password and takes the stored one.
. "$(dirname "$0")/../lib/registry.sh"  # its own netns, $T, $ROOTFS, start_registry, sk
# the registry with auth: lib/registry.sh's start_registry PORT EXTRA_YAML
htpasswd_yaml() { printf 'auth:\n  htpasswd:\n    realm: gb72\n    path: %s\n' "$1"; }
start_registry 5000 || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000

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
RUN mkdir -p /srv/old && echo a > /srv/old/a
RUN rm /etc/motd && mkdir -p /srv/data && echo built-here > /srv/data/hello && ln /srv/data/hello /srv/data/hard && chown 1234:5678 /srv/data/hello && chmod 0640 /srv/data/hello
RUN rm -rf /srv/old && mkdir /srv/old && echo b > /srv/old/b
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
sk copy -q "docker://$REG/team/app:1" "oci:$T/app-layout:1" >/dev/null
tarlist=$(for l in $(jq -r '.layers[].digest' <<<"$raw"); do tar -tvzf "$T/app-layout/blobs/sha256/${l#sha256:}"; done)
assert_contains "the deleted /etc/motd is a .wh. file in the blob" "etc/.wh.motd" "$tarlist"
assert_contains "owners and modes kept" "-rw-r----- 1234/5678" "$(grep 'srv/data/hello$' <<<"$tarlist")"
assert_contains "the hard link is a hard link" "srv/data/hard link to srv/data/hello" "$tarlist"
check "no overlay device or xattr in the blob" bash -c "! grep -q '^c' <<<'$tarlist'"
assert_contains "the directory made again is opaque: a .wh..wh..opq entry" "srv/old/.wh..wh..opq" "$tarlist"
assert_eq "the config's diff_ids match the blobs" "$(jq -r '.rootfs.diff_ids | length' < "$T/app-layout/blobs/sha256/$(jq -r .config.digest <<<"$raw" | cut -c8-)")" \
    "$(jq -r '.layers | length' <<<"$raw")"
third=$GB_TEST_ROOT/data3
check "pull it into a third data root" env GLASSBOX_DATA_ROOT=$third $GLASSBOX pull $REG/team/app:1
assert_eq "... and run it: CMD from the pushed config" built-here "$(GLASSBOX_DATA_ROOT=$third gb run --rm $REG/team/app:1 2>&1)"
check "... the whiteout applies" bash -c "! GLASSBOX_DATA_ROOT=$third $GLASSBOX run --rm $REG/team/app:1 cat /etc/motd 2>/dev/null"
assert_eq "... the opaque directory hides the layer below" b "$(GLASSBOX_DATA_ROOT=$third gb run --rm $REG/team/app:1 ls /srv/old 2>&1)"
assert_eq "... the owner survived" "1234:5678 640" "$(GLASSBOX_DATA_ROOT=$third gb run --rm $REG/team/app:1 stat -c '%u:%g %a' /srv/data/hello 2>&1)"
out=$(gb push $REG/team/app:1 2>&1)
assert_contains "a second push reuses the cached blobs: the same digest" "1: digest: $built_digest" "$out"
out=$(gb push $REG/nosuch:1 2>&1); rc=$?
check "pushing an image glassbox lacks fails" test $rc -ne 0
assert_contains "... with the way to fix it" "glassbox tag IMAGE $REG/nosuch:1" "$out"

# run of an image glassbox lacks, whose name says its registry: pulled first (Docker's
# "Unable to find image ... locally"), progress on stderr, the container's output alone
# on stdout. --pull never asks no registry; --pull always pulls what is here again.
d8=$GB_TEST_ROOT/data8
out=$(GLASSBOX_DATA_ROOT=$d8 gb run --rm $REG/team/app:1 2>"$T/autopull.err"); rc=$?
assert_eq "run pulls a missing image first, then runs it" "0 built-here" "$rc $out"
assert_contains "... saying so on stderr" "Unable to find image '$REG/team/app:1' locally" "$(cat "$T/autopull.err")"
check "... and the image is stored" test -f "$d8/images/$REG+team+app:1.json"
# run --events: the pull's image.pull events are in the run's stream, before its steps,
# numbered in it (seq rises by one from 1 to the last line)
d8e=$GB_TEST_ROOT/data8e
out=$(GLASSBOX_DATA_ROOT=$d8e gb run --rm --events "$T/autopull.jsonl" $REG/team/app:1 2>/dev/null); rc=$?
assert_eq "run --events of a missing image pulls and runs it" "0 built-here" "$rc $out"
assert_eq "... its stream has the pull's last event, the image stored" "done" \
    "$(jq -r 'select(.type == "image.pull" and .layer == null) | .status' "$T/autopull.jsonl" | tail -1)"
check "... each layer's Pull complete" test "$(jq -r 'select(.type == "image.pull") | .status' "$T/autopull.jsonl" | grep -c 'Pull complete')" -ge 1
assert_eq "... the pull before the first step" image.pull \
    "$(jq -r 'select(.type == "image.pull" or .type == "step.begin") | .type' "$T/autopull.jsonl" | head -1)"
assert_eq "... and one numbering for the whole stream" "$(grep -c . "$T/autopull.jsonl")" \
    "$(jq -s '[.[].seq] | . as $s | [range(length)] | map(select($s[.] == . + 1)) | length' "$T/autopull.jsonl")"
# run --step --events: the stepper listens in-process too; the pull's events reach the
# stream all the same (once only for an fd or file stream)
d8s=$GB_TEST_ROOT/data8s
out=$(printf 'r\n' | GLASSBOX_DATA_ROOT=$d8s gb run --rm --step --events "$T/step.jsonl" $REG/team/app:1 2>/dev/null); rc=$?
assert_eq "run --step --events of a missing image pulls and runs it" 0 "$rc"
assert_eq "... its stream has the pull's last event" "done" \
    "$(jq -r 'select(.type == "image.pull" and .layer == null) | .status' "$T/step.jsonl" | tail -1)"
out=$(GLASSBOX_DATA_ROOT=$d8 gb run --rm --pull never $REG/team/app:2 true 2>&1); rc=$?
assert_eq "run --pull never of a missing image: exit 125" 125 "$rc"
assert_contains "... unknown image, with the pull that fetches it" "glassbox pull $REG/team/app:2" "$out"
check "... and the registry was not asked" bash -c "! grep -q 'manifests/2' '$T/reg-5000/registry.log' 2>/dev/null"
out=$(GLASSBOX_DATA_ROOT=$d8 gb run --rm --pull always $REG/team/app:1 2>"$T/always.err"); rc=$?
assert_eq "run --pull always of an image that is here pulls it again, then runs" "0 built-here" "$rc $out"
assert_contains "... the pull's digest on stderr" "Digest: sha256:" "$(cat "$T/always.err")"
d9=$GB_TEST_ROOT/data9 c9=$T/ctx9
mkdir -p "$c9" && printf 'FROM %s\nRUN cat /srv/data/hello > /from-pulled\n' "$REG/team/app:1" >"$c9/Dockerfile"
out=$(GLASSBOX_DATA_ROOT=$d9 gb build -q -t frompulled:1 "$c9" 2>"$T/build9.err"); rc=$?
check "build FROM an image that is not here pulls it first, as docker build does" test $rc -eq 0
assert_contains "... saying so" "Unable to find image '$REG/team/app:1' locally" "$(cat "$T/build9.err")"
assert_eq "... and builds on its layers" built-here "$(GLASSBOX_DATA_ROOT=$d9 gb run --rm frompulled:1 cat /from-pulled 2>&1)"
out=$(GLASSBOX_DATA_ROOT=$d8 gb run --rm $REG/nosuch:1 true 2>&1); rc=$?
check "run of a name its registry lacks fails" test $rc -ne 0
assert_contains "... with the registry's answer" "HTTP 404" "$out"

# save: a docker save archive of two images (one built, one pulled) and an OCI layout.
out=$(gb save -o "$T/saved.tar" app:1 $REG/src:1 2>&1); rc=$?
check "save -o FILE IMAGE IMAGE" test $rc -eq 0
assert_eq "the archive has Docker's files" "manifest.json repositories" \
    "$(tar -tf "$T/saved.tar" | grep -vE '^[0-9a-f]{64}(\.json|/layer.tar)$' | sort | tr '\n' ' ' | sed 's/ $//')"
assert_eq "manifest.json names both images" '["app:1"] ["127.0.0.1:5000/src:1"]' \
    "$(tar -xOf "$T/saved.tar" manifest.json | jq -c '.[].RepoTags' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "skopeo inspect reads it: the built image's four layers with files" 4 \
    "$(sk inspect "docker-archive:$T/saved.tar:app:1" | jq -r '.Layers | length')"
check "skopeo copies it out (every layer matches its diff_id)" \
    skopeo copy -q "docker-archive:$T/saved.tar:127.0.0.1:5000/src:1" "oci:$T/from-saved:1"
d6=$GB_TEST_ROOT/data6
out=$(GLASSBOX_DATA_ROOT=$d6 gb load -i "$T/saved.tar" 2>&1)
assert_eq "load it into another data root" "Loaded image: app:1
Loaded image: $REG/src:1" "$out"
assert_eq "... the built image runs" built-here "$(GLASSBOX_DATA_ROOT=$d6 gb run --rm app:1 2>&1)"
assert_eq "... the pulled one too, with its config" from-umoci \
    "$(GLASSBOX_DATA_ROOT=$d6 gb run --rm $REG/src:1 sh -c 'echo $GREETING' 2>&1)"
check "save --format oci" gb save --format oci -o "$T/saved-oci.tar" $REG/src:1
assert_eq "the OCI layout holds the pulled manifest as it was: the same digest" "$src_digest" \
    "$(sk inspect "oci-archive:$T/saved-oci.tar" | jq -r .Digest)"
assert_eq "load it: the name from its annotation" "Loaded image: $REG/src:1" \
    "$(GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data7 gb load -i "$T/saved-oci.tar" 2>&1)"
out=$(gb save -o "$T/bad.tar" app:1 nosuch:9 2>&1); rc=$?
check "save of an unknown image fails" test $rc -ne 0
assert_contains "... naming it" "unknown image 'nosuch:9'" "$out"
check "... and leaves no archive" bash -c "! ls '$T' | grep -q '^bad.tar'"

# import: a root filesystem tarball as a one-layer image.
tar -C "$ROOTFS" -czf "$T/my-rootfs.tar.gz" .
out=$(gb import "$T/my-rootfs.tar.gz" 2>&1); rc=$?
check "import a tarball" test $rc -eq 0
assert_contains "... named after the file" "as my-rootfs" "$out"
assert_eq "... it runs" imported "$(gb run --rm my-rootfs echo imported 2>&1)"
check "import with a name" gb import "$T/my-rootfs.tar.gz" mine:1
assert_eq "... one layer" 1 "$(jq '.layers | length' "$GLASSBOX_DATA_ROOT/images/mine:1.json")"
python3 - "$T/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("../../gb72-escape"); d = b"x\n"; i.size = len(d); t.addfile(i, io.BytesIO(d))
PY
layers_before=$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')
out=$(gb import "$T/evil.tar" evil 2>&1); rc=$?
check "a tarball climbing out with ../ is refused" test $rc -ne 0
assert_contains "... naming the entry" "climbs out" "$out"
assert_eq "... and leaves no layer" "$layers_before" "$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')"
check "... nor an image" test ! -e "$GLASSBOX_DATA_ROOT/images/evil.json"

# image prune: only layers nothing uses. mine:1 removed while a container stacks it keeps
# its layer (rmi -f); once the container is gone, prune frees exactly that layer.
orphan=$(jq -r '.layers[0]' "$GLASSBOX_DATA_ROOT/images/mine:1.json")
check "create a container of mine:1" gb create --name gb72-c mine:1 true
check "rmi -f mine:1" gb rmi -f mine:1
check "... its layer stays for the container" test -d "$GLASSBOX_DATA_ROOT/layers/$orphan/diff"
check "rmi $REG/team/copy:v2 (its layer is shared with $REG/src:1)" gb rmi $REG/team/copy:v2
out=$(gb image prune 2>&1)
assert_contains "prune while the container exists frees nothing" "0 bytes in 0 layers" "$out"
check "rm the container" gb rm gb72-c
layers_before=$(ls "$GLASSBOX_DATA_ROOT/layers" | sort)
out=$(gb image prune 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
check "image prune" test $rc -eq 0
assert_eq "... names exactly the orphan layer" "deleted layer $orphan" "$(grep '^deleted' <<<"$out" | cut -d' ' -f1-3)"
assert_eq "... and removed only it" "$(grep -vx "$orphan" <<<"$layers_before")" "$(ls "$GLASSBOX_DATA_ROOT/layers" | sort)"
assert_eq "... the shared layer still runs" from-umoci "$(gb run --rm $REG/src:1 sh -c 'echo $GREETING' 2>&1)"
assert_contains "a second prune frees nothing" "0 bytes in 0 layers" "$(gb image prune 2>&1)"

# login: a registry with htpasswd auth. The bcrypt line is made by perl's crypt(), which
# is libxcrypt's (Debian's perl-base and libcrypt1 are always there; htpasswd of
# apache2-utils may not be).
USER_=gb72user PASS_=s3cret-$$
salt=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 21)u
hash=$(perl -e 'print crypt($ARGV[0], "\$2b\$10\$" . $ARGV[1])' "$PASS_" "$salt")
[[ $hash == '$2b$10$'* ]] || skip "this libcrypt makes no bcrypt hashes (perl crypt gave '$hash')"
echo "$USER_:$hash" > "$T/htpasswd"
start_registry 5001 "$(htpasswd_yaml "$T/htpasswd")" || { not_ok "the registry with auth listening"; finish; }
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
