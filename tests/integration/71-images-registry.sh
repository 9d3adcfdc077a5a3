#!/usr/bin/env bash
# glassbox pull from a real OCI registry, and load of archives (issue 15): Debian's docker-registry, started here
# in a network namespace of this test's own (loopback only), filled with images made by
# umoci and pushed by skopeo. Pull by tag and by digest, OCI and Docker schema 2 manifests,
# run what was pulled with its config, layers shared between images, whiteouts in overlay's
# form, and refusals that leave nothing behind: a layer climbing out with ../, a layer
# writing through its own symlink, a corrupted blob.
# lib/registry.sh: the test's own network namespace (the registry and every connection
# glassbox makes stay on its loopback), $T, $ROOTFS and start_registry.
. "$(dirname "$0")/../lib/registry.sh"
start_registry 5000 || { not_ok "registry listening"; finish; }

REG=127.0.0.1:5000
push() { skopeo copy -q --dest-tls-verify=false "$@" >> "$T/skopeo.log" 2>&1; }
# tar_layer FILE ENTRIES...: a layer tar made by python (names GNU tar would refuse to write)
tar_layer() {
    python3 - "$@" <<'PY'
import io, sys, tarfile
out, specs = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w") as t:
    for s in specs:
        kind, name, *rest = s.split(":")
        i = tarfile.TarInfo(name)
        if kind == "dir":
            i.type, i.mode = tarfile.DIRTYPE, 0o755
            t.addfile(i)
        elif kind == "hard":
            i.type, i.linkname = tarfile.LNKTYPE, rest[0]
            t.addfile(i)
        elif kind == "sym":
            i.type, i.linkname = tarfile.SYMTYPE, rest[0]
            t.addfile(i)
        else:
            data = (rest[0] if rest else "x").encode() + b"\n"
            i.size, i.mode = len(data), 0o644
            t.addfile(i, io.BytesIO(data))
PY
}

# busybox:1 = the rootfs in one layer with a config; busybox:2 = that + a layer of
# whiteouts (etc/motd deleted, var/ made opaque, a file added); plus refused layers.
O=$T/oci
umoci init --layout "$O"
umoci new --image "$O:1"
umoci insert --image "$O:1" "$ROOTFS" /
# (umoci insert of a directory ending in a small file writes a tar without its padding,
# which libarchive rightly calls truncated: layers with chosen names are made by python.)
tar_layer "$T/var.tar" dir:var file:var/hidden:hidden
umoci raw add-layer --image "$O:1" "$T/var.tar"
umoci config --image "$O:1" --os linux --architecture amd64 --config.cmd /bin/sh \
    --config.env PATH=/bin:/sbin --config.env GREETING=from-the-config \
    --config.workingdir /tmp --config.exposedports 8080/tcp
tar_layer "$T/wh.tar" dir:etc file:etc/.wh.motd dir:var file:var/.wh..wh..opq file:var/new:new \
    file:added.txt:second-layer
umoci tag --image "$O:1" 2
umoci raw add-layer --image "$O:2" "$T/wh.tar"
tar_layer "$T/dotdot.tar" "file:../../../tmp/gb71-escaped-$$:pwned"
umoci tag --image "$O:1" dotdot
umoci raw add-layer --image "$O:dotdot" "$T/dotdot.tar"
tar_layer "$T/symlink.tar" sym:out:/tmp "file:out/gb71-escaped-link-$$:pwned"
umoci tag --image "$O:1" symlink
umoci raw add-layer --image "$O:symlink" "$T/symlink.tar"
tar_layer "$T/hardlink.tar" sym:out:/etc hard:stolen:out/hostname
umoci tag --image "$O:1" hardlink
umoci raw add-layer --image "$O:hardlink" "$T/hardlink.tar"
for tag in 1 2 dotdot symlink hardlink; do push "oci:$O:$tag" "docker://$REG/busybox:$tag"; done
push --format v2s2 "oci:$O:1" "docker://$REG/docker-format:1"
check "the registry holds the images" test -d "$T/reg-5000/storage/docker/registry/v2/repositories/busybox"
manifest_type=$(skopeo inspect --raw --tls-verify=false "docker://$REG/docker-format:1" | jq -r .mediaType)
assert_eq "skopeo pushed a Docker schema 2 manifest" \
    application/vnd.docker.distribution.manifest.v2+json "$manifest_type"

# Pull by tag: one layer, its directory named by its digest, the config recorded.
out=$(gb pull $REG/busybox:1 2>&1)
check "pull $REG/busybox:1" grep -q "Status: downloaded image $REG/busybox:1" <<<"$out"
assert_contains "plain progress lines without a terminal" "2/2" "$out"
rec=$GLASSBOX_DATA_ROOT/images/$REG+busybox:1.json
check "image recorded" test -f "$rec"
l1=$(skopeo inspect --tls-verify=false "docker://$REG/busybox:1" | jq -r '.Layers[0]')
assert_eq "first layer's id is its digest's start" "${l1:7:12}" "$(jq -r '.layers[0]' "$rec")"
check "layer unpacked" test -x "$GLASSBOX_DATA_ROOT/layers/${l1:7:12}/diff/bin/busybox"
assert_eq "run the pulled image" hi "$(gb run --rm $REG/busybox:1 echo hi 2>&1)"
assert_eq "Env from the image config" from-the-config "$(gb run --rm $REG/busybox:1 sh -c 'echo $GREETING')"
assert_eq "WorkingDir from the image config" /tmp "$(gb run --rm $REG/busybox:1 pwd)"
assert_eq "ExposedPorts from the image config" '["8080/tcp"]' "$(jq -c .config.exposed_ports "$rec")"
assert_nothing_left "after run --rm"

# busybox:2 shares the first layers: they are not fetched again.
out=$(gb pull $REG/busybox:2 2>&1)
assert_contains "second image reuses the shared layer" "${l1:7:12}: Already exists" "$out"
assert_eq "layer directories: 3 for 2 images" 3 "$(ls "$GLASSBOX_DATA_ROOT/layers" | wc -l)"
l3=$(jq -r '.layers[2]' "$GLASSBOX_DATA_ROOT/images/$REG+busybox:2.json")
d3=$GLASSBOX_DATA_ROOT/layers/$l3/diff
assert_eq ".wh.motd became a 0/0 character device" "character special file 0:0" \
    "$(stat -c '%F %t:%T' "$d3/etc/motd")"
assert_eq ".wh..wh..opq became trusted.overlay.opaque=y" y \
    "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$d3/var")"
check "no .wh. file kept" bash -c "! find '$d3' -name '.wh.*' | grep -q ."
check "the whiteout hides etc/motd in the container" bash -c "! $GLASSBOX run --rm $REG/busybox:2 cat /etc/motd 2>/dev/null"
check "... which the first image still has" gb run --rm $REG/busybox:1 cat /etc/motd
assert_eq "the opaque var/ hides the layer below" "new" "$(gb run --rm $REG/busybox:2 ls /var)"
assert_eq "the new layer's file" second-layer "$(gb run --rm $REG/busybox:2 cat /added.txt)"

# By digest, and a Docker schema 2 manifest.
dg=$(skopeo inspect --tls-verify=false "docker://$REG/busybox:1" | jq -r .Digest)
out=$(gb pull "$REG/busybox@$dg" 2>&1)
assert_contains "pull by digest" "Digest: $dg" "$out"
assert_eq "run by digest" hi "$(gb run --rm "$REG/busybox@$dg" echo hi 2>&1)"
assert_contains "images --digests shows the manifest digest" "$REG/busybox:1" \
    "$(gb images --digests | grep -F "$dg")"
check "pull a Docker schema 2 manifest" gb pull $REG/docker-format:1
assert_eq "run it" hi "$(gb run --rm $REG/docker-format:1 echo hi 2>&1)"

# Refusals: each names the problem and leaves no image, no layer, no temporary file.
layers_before=$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')
out=$(gb pull $REG/busybox:nosuchtag 2>&1); rc=$?
check "an unknown tag fails" test $rc -ne 0
assert_contains "... naming HTTP 404" "HTTP 404" "$out"
out=$(gb pull $REG/busybox:dotdot 2>&1); rc=$?
check "a layer with ../ is refused" test $rc -ne 0
assert_contains "... naming the entry" "../../../tmp/gb71-escaped-$$' climbs out of the layer" "$out"
check "... and nothing was written outside" test ! -e /tmp/gb71-escaped-$$
out=$(gb pull $REG/busybox:symlink 2>&1); rc=$?
check "a layer writing through its own symlink is refused" test $rc -ne 0
assert_contains "... naming the escape" "escapes the layer" "$out"
check "... and nothing was written outside" test ! -e /tmp/gb71-escaped-link-$$
out=$(gb pull $REG/busybox:hardlink 2>&1); rc=$?
check "a hard link through the layer's own symlink is refused" test $rc -ne 0
assert_contains "... naming it" "'stolen' is a hard link out of the layer" "$out"
check "no image recorded for refused pulls" bash -c "! ls '$GLASSBOX_DATA_ROOT/images' | grep -Eq 'dotdot|symlink|hardlink|nosuchtag'"
assert_eq "no layer or temporary file left by refused pulls" "$layers_before" \
    "$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')"

# A corrupted blob in the registry's storage: refused by its digest, nothing kept.
blob=$T/reg-5000/storage/docker/registry/v2/blobs/sha256/${l1:7:2}/${l1:7}/data
check "the layer's blob is in the registry storage" test -f "$blob"
printf '\xff' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
fresh=$GB_TEST_ROOT/fresh-data
out=$(GLASSBOX_DATA_ROOT=$fresh gb pull $REG/busybox:1 2>&1); rc=$?
check "a corrupted blob is refused" test $rc -ne 0
assert_contains "... naming the digest mismatch" "blob $l1: digest mismatch" "$out"
assert_eq "... and nothing is left in the data root" "" \
    "$(ls -A "$fresh/images" "$fresh/layers" 2>/dev/null | grep -v -e '^$' -e ':$' -e '^\.lock$')"
check "... and the pulls before still run" bash -c "[ \"\$($GLASSBOX run --rm $REG/busybox:2 echo ok)\" = ok ]"
check "... and the pulled name is in images" bash -c "$GLASSBOX images | grep -q '^$REG/busybox:2 '"
# load: a docker save archive and an OCI archive, made by skopeo from the same layout.
skopeo copy -q "oci:$O:1" "docker-archive:$T/saved.tar:busybox:7" >> "$T/skopeo.log" 2>&1
skopeo copy -q "oci:$O:2" "oci-archive:$T/oci.tar:2" >> "$T/skopeo.log" 2>&1
assert_eq "load a docker save archive" "Loaded image: busybox:7" "$(gb load -i "$T/saved.tar" 2>&1)"
assert_eq "run it" from-the-config "$(gb run --rm busybox:7 sh -c 'echo $GREETING')"
out=$(gb load -i "$T/oci.tar" 2>&1); rc=$?
check "an OCI archive whose ref.name is a tag alone needs a name" test $rc -ne 0
assert_contains "... and says so" "give it a name" "$out"
assert_eq "load an OCI archive with a name" "Loaded image: oci-two" "$(gb load -i "$T/oci.tar" oci-two 2>&1)"
assert_eq "its whiteout applies" "new" "$(gb run --rm oci-two ls /var)"
check "its layers are the pulled ones (same digests)" test "$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/oci-two.json")" = \
    "$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/$REG+busybox:2.json")"
mkdir -p "$T/saved-dir" && tar -xf "$T/saved.tar" -C "$T/saved-dir"
layer=$(jq -r '.[0].Layers[0]' "$T/saved-dir/manifest.json")
printf '\xff' | dd of="$T/saved-dir/$layer" bs=1 seek=600 conv=notrunc status=none
layers_before=$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')
out=$(gb load -i "$T/saved-dir" other:1 2>&1); rc=$?
check "a docker save layout with a changed layer is refused" test $rc -ne 0
assert_contains "... naming the diff_id mismatch" "layer $layer: digest mismatch" "$out"
tar_layer "$T/evil-archive.tar" "file:../gb71-load-escape-$$:pwned"
out=$(gb load -i "$T/evil-archive.tar" evil 2>&1); rc=$?
check "an archive with ../ is refused" test $rc -ne 0
assert_contains "... naming the entry" "climbs out" "$out"
check "... and nothing was written outside" test ! -e "$GLASSBOX_DATA_ROOT/layers/gb71-load-escape-$$"
check "no image recorded for refused loads" test ! -e "$GLASSBOX_DATA_ROOT/images/other:1.json" -a ! -e "$GLASSBOX_DATA_ROOT/images/evil.json"
assert_eq "no layer or temporary directory left by refused loads" "$layers_before" \
    "$(ls -a "$GLASSBOX_DATA_ROOT/layers" | sort | tr '\n' ' ')"

# rmi keeps what another image stacks: a layer goes with the last image that has it.
check "rmi busybox:2" gb rmi $REG/busybox:2
check "... keeps its top layer, which the loaded oci-two stacks too" test -d "$GLASSBOX_DATA_ROOT/layers/$l3/diff"
check "rmi oci-two" gb rmi oci-two
check "... removes the layer only it had now" test ! -e "$GLASSBOX_DATA_ROOT/layers/$l3"
check "... keeps the shared first layer" test -d "$GLASSBOX_DATA_ROOT/layers/${l1:7:12}/diff/bin"
assert_eq "... and busybox:1 still runs" hi "$(gb run --rm $REG/busybox:1 echo hi 2>&1)"
assert_nothing_left "after the pulls"
finish
