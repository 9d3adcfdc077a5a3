#!/usr/bin/env bash
# What a pull keeps and shows (issue 15), against Debian's docker-registry in a network
# namespace of this test's own: a layer's owners, modes (set-user-id), xattrs, hard links,
# device nodes and fifos as the kernel sees them in the layer's directory and in a
# container; a tar+zstd layer; an OCI index with two platforms (linux/amd64 by default,
# --platform for the other, a missing one refused naming those it has, nothing stored);
# the progress display (plain lines into a pipe, one line rewritten on a terminal);
# `glassbox history` with the pulled layers' whole digests and sizes; the image.pull
# events of `pull --events` (docs/events.md) and the viz replaying them.
. "$(dirname "$0")/../lib/registry.sh"
start_registry 5000 || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000
push() { skopeo copy -q --dest-tls-verify=false "$@" >> "$T/skopeo.log" 2>&1; }
D=$GLASSBOX_DATA_ROOT

# A layer tar by python (pax: xattrs as SCHILY.xattr.*, owners, a device, a fifo).
python3 - "$T/meta.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    def add(name, kind=tarfile.REGTYPE, data=b"", **kw):
        i = tarfile.TarInfo(name)
        i.type, i.size = kind, len(data)
        for k, v in kw.items():
            setattr(i, k, v)
        t.addfile(i, io.BytesIO(data) if data else None)
    add("srv", tarfile.DIRTYPE, mode=0o755)
    add("srv/tool", data=b"#!/bin/sh\necho tool\n", mode=0o4755, uid=1234, gid=5678)
    add("srv/alias", tarfile.LNKTYPE, linkname="srv/tool")
    add("srv/tagged", data=b"tagged\n", mode=0o640, uid=42, gid=43,
        pax_headers={"SCHILY.xattr.user.gb75": "kept"})
    add("srv/null", tarfile.CHRTYPE, mode=0o666, devmajor=1, devminor=3)
    add("srv/loop9", tarfile.BLKTYPE, mode=0o660, devmajor=7, devminor=9)
    add("srv/pipe", tarfile.FIFOTYPE, mode=0o600)
PY
O=$T/oci
busybox_layout "$O" meta
umoci raw add-layer --image "$O:meta" "$T/meta.tar"
umoci config --image "$O:meta" --os linux --architecture amd64 --config.entrypoint /bin/echo \
    --config.cmd from-the-cmd
push "oci:$O:meta" "docker://$REG/meta:1"

out=$(gb pull $REG/meta:1 2>&1)
check "pull $REG/meta:1" grep -q "Status: downloaded image $REG/meta:1" <<<"$out"
top=$(jq -r '.layers[-1]' "$D/images/$REG+meta:1.json")
L=$D/layers/$top/diff/srv
assert_eq "owner and set-user-id mode kept" "1234:5678 4755" "$(stat -c '%u:%g %a' "$L/tool")"
assert_eq "a hard link is one inode" "$(stat -c %i "$L/tool")" "$(stat -c %i "$L/alias")"
assert_eq "... with two links" 2 "$(stat -c %h "$L/tool")"
assert_eq "a user xattr kept" kept "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.gb75").decode())' "$L/tagged")"
assert_eq "... and its owner and mode" "42:43 640" "$(stat -c '%u:%g %a' "$L/tagged")"
assert_eq "a character device 1:3" "character special file 1:3 666" "$(stat -c '%F %t:%T %a' "$L/null")"
assert_eq "a block device 7:9" "block special file 7:9 660" "$(stat -c '%F %t:%T %a' "$L/loop9")"
assert_eq "a fifo" "fifo 600" "$(stat -c '%F %a' "$L/pipe")"
assert_eq "inside a container too" "1234:5678 4755 2" \
    "$(gb run --rm --entrypoint stat $REG/meta:1 -c '%u:%g %a %h' /srv/tool 2>&1)"
assert_eq "the config's Entrypoint runs its Cmd" from-the-cmd "$(gb run --rm $REG/meta:1 2>&1)"
assert_eq "... and the arguments given instead of the Cmd" "a b" "$(gb run --rm $REG/meta:1 a b 2>&1)"

# The progress display: into a pipe, one plain line per state of each layer; on a
# terminal (tests/lib/ptyrun.py) one line rewritten in place with the bytes so far.
n=$(jq '.layers | length' "$D/images/$REG+meta:1.json")
id=${top:0:12}
assert_contains "plain: a line per state" "$n/$n $id: Downloading
$n/$n $id: Extracting
$n/$n $id: Pull complete" "$out"
check "plain: no carriage return or escape" bash -c "! grep -q $'[\r\033]' <<<\"\$1\"" _ "$out"
gb rmi $REG/meta:1 >/dev/null
pty=$(python3 "$GB_SRC/tests/lib/ptyrun.py" --timeout 60 -- "$GLASSBOX" pull $REG/meta:1)
tout=$(jq -r .output <<<"$pty")
assert_eq "terminal: the pull succeeds" 0 "$(jq -r .exit <<<"$pty")"
assert_contains "terminal: the line is rewritten (\\r, erase line)" $'\r\033[K'"$n/$n $id: Pull complete" "$tout"

# history: each pulled layer with its whole digest and its size.
hist=$(gb history $REG/meta:1)
dg=$(jq -r '.instruction' "$D/layers/$top/layer.json" | grep -o 'sha256:[0-9a-f]\{64\}')
assert_contains "history shows the whole digest" "pulled $dg" "$hist"
assert_contains "... and the size" "$(printf '%-14s' "$top")" "$(grep -F "$dg" <<<"$hist")"
check "... which is not 0B" bash -c "! grep -F '$dg' <<<\"\$1\" | grep -q ' 0B '" _ "$hist"

# A tar+zstd layer (OCI media type ...tar+zstd), when libarchive here reads zstd.
if command -v zstd >/dev/null; then
    zstd -q -19 -o "$T/zl.tar.zst" "$T/meta.tar"
    python3 - "$O" "$T/zl.tar.zst" <<'PY'
import hashlib, json, os, sys
lay, blob = sys.argv[1], open(sys.argv[2], "rb").read()
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(lay, "blobs/sha256", d), "wb").write(b)
    return "sha256:" + d
idx = json.load(open(os.path.join(lay, "index.json")))
base = next(m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "meta")
man = json.load(open(os.path.join(lay, "blobs/sha256", base["digest"][7:])))
cfg = json.load(open(os.path.join(lay, "blobs/sha256", man["config"]["digest"][7:])))
import subprocess
diff = "sha256:" + hashlib.sha256(subprocess.run(["zstd", "-dc", sys.argv[2]], capture_output=True, check=True).stdout).hexdigest()
cfg["rootfs"]["diff_ids"][-1] = diff
cb = json.dumps(cfg).encode()
man["config"] = {"mediaType": man["config"]["mediaType"], "digest": put(cb), "size": len(cb)}
man["layers"][-1] = {"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "digest": put(blob), "size": len(blob)}
mb = json.dumps(man).encode()
idx["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(mb), "size": len(mb),
                         "annotations": {"org.opencontainers.image.ref.name": "zstd"}})
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
PY
    push "oci:$O:zstd" "docker://$REG/zstd:1"
    out=$(gb pull $REG/zstd:1 2>&1)
    check "pull an image with a tar+zstd layer" grep -q "Status: downloaded image $REG/zstd:1" <<<"$out" ||
        echo "$out" | tail -3
    z=$(jq -r '.layers[-1]' "$D/images/$REG+zstd:1.json")
    assert_eq "... unpacked with its owners, modes and devices" "1234:5678 4755 character special file" \
        "$(stat -c '%u:%g %a' "$D/layers/$z/diff/srv/tool") $(stat -c %F "$D/layers/$z/diff/srv/null")"
    assert_eq "... and it runs" tool "$(gb run --rm --entrypoint /srv/tool $REG/zstd:1 2>&1)"
else
    ok "# skip tar+zstd layer: no zstd command to make one"
fi

# An OCI index with two platforms: linux/amd64 (busybox) and linux/arm64 (one small layer).
tar_small() { python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("arch"); d = (sys.argv[2] + "\n").encode(); i.size = len(d)
    t.addfile(i, io.BytesIO(d))' "$@"; }
tar_small "$T/arm.tar" arm64
umoci new --image "$O:arm"
umoci raw add-layer --image "$O:arm" "$T/arm.tar"
umoci config --image "$O:arm" --os linux --architecture arm64 --config.cmd /arch
python3 - "$O" <<'PY'
import hashlib, json, os, sys
lay = sys.argv[1]
idx = json.load(open(os.path.join(lay, "index.json")))
by = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in idx["manifests"]}
plats = []
for ref, arch in (("meta", "amd64"), ("arm", "arm64")):
    m = dict(by[ref]); m.pop("annotations", None)
    m["platform"] = {"os": "linux", "architecture": arch}
    plats.append(m)
ib = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": plats}).encode()
d = hashlib.sha256(ib).hexdigest()
open(os.path.join(lay, "blobs/sha256", d), "wb").write(ib)
idx["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + d,
                         "size": len(ib), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
PY
push --all "oci:$O:multi" "docker://$REG/multi:1"
assert_eq "the registry serves an index" application/vnd.oci.image.index.v1+json \
    "$(skopeo inspect --raw --tls-verify=false docker://$REG/multi:1 | jq -r .mediaType)"
amd=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"=="meta") | .digest' "$O/index.json")
arm=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"=="arm") | .digest' "$O/index.json")
out=$(gb pull $REG/multi:1 2>&1)
assert_contains "no --platform: linux/amd64's manifest" "Digest: $amd" "$out"
assert_eq "... and it runs here" tool "$(gb run --rm --entrypoint /srv/tool $REG/multi:1 2>&1)"
out=$(gb pull --platform linux/arm64 $REG/multi:1 2>&1)
assert_contains "--platform linux/arm64: the other manifest" "Digest: $arm" "$out"
assert_eq "... its one layer holds what arm64's has" arm64 \
    "$(cat "$D/layers/$(jq -r '.layers[-1]' "$D/images/$REG+multi:1.json")/diff/arch")"
# The same index from an OCI layout directory (glassbox load -i DIR), by platform too.
mkdir -p "$T/lay"
push --all "oci:$O:multi" "oci:$T/lay:multi"
out=$(gb load -i "$T/lay" from-dir:1 2>&1)
assert_eq "load an OCI layout directory" "Loaded image: from-dir:1" "$out"
assert_eq "... linux/amd64 by default, and it runs" from-the-cmd "$(gb run --rm from-dir:1 2>&1)"
out=$(gb load -i "$T/lay" --platform linux/arm64 from-dir:arm 2>&1)
assert_eq "... --platform linux/arm64: the other image" arm64 \
    "$(cat "$D/layers/$(jq -r '.layers[-1]' "$D/images/from-dir:arm.json")/diff/arch")"
gb rmi from-dir:1 from-dir:arm >/dev/null
before=$(ls "$D/layers" | sort)
out=$(gb pull --platform linux/s390x $REG/multi:1 2>&1); rc=$?
check "a platform the index lacks is refused" test $rc -ne 0
assert_contains "... naming the ones it has" "has no linux/s390x variant (it has: linux/amd64, linux/arm64)" "$out"
assert_eq "... and nothing is stored" "$before" "$(ls "$D/layers" | sort)"
out=$(gb pull --platform linux $REG/multi:1 2>&1); rc=$?
check "a malformed --platform is refused" test $rc -ne 0
assert_contains "... saying the form" "invalid platform 'linux' (OS/ARCH[/VARIANT])" "$out"

# image.pull events: every state of every layer, Downloading at most once a tenth, the
# last event the manifest digest; the viz replays them in the overlay scene.
gb rmi $REG/meta:1 >/dev/null
gb rmi $REG/multi:1 >/dev/null
gb rmi $REG/zstd:1 >/dev/null 2>&1
gb image prune >/dev/null
out=$(gb pull --events "$T/pull.jsonl" $REG/meta:1 2>&1)
check "pull --events FILE" grep -q "Status: downloaded image $REG/meta:1" <<<"$out"
ev=$T/pull.jsonl
jqe() { jq -e "$@" >/dev/null; }
check "every line is an image.pull event of version 1" \
    jqe -s 'length > 0 and all(.v == 1 and .type == "image.pull" and .image == "'$REG/meta:1'")' "$ev"
assert_eq "each layer: Downloading, Extracting, Pull complete" \
    "$(for i in $(seq "$n"); do echo "$i Downloading"; echo "$i Extracting"; echo "$i Pull complete"; done)" \
    "$(jq -r 'select(.index) | "\(.index) \(.status)"' "$ev" | uniq)"
check "Downloading at most 12 events a layer" \
    jqe -s '[.[] | select(.status == "Downloading")] | group_by(.index) | all(length <= 12)' "$ev"
assert_eq "Pull complete carries the layer's digest and size" \
    "$(jq -c '[.layers[] | {digest, size}]' "$O/blobs/sha256/$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name"=="meta") | .digest[7:]' "$O/index.json")")" \
    "$(jq -s -c '[.[] | select(.status == "Pull complete") | {digest, size: .total}]' "$ev")"
assert_eq "the last event: done, with the manifest digest" "done $amd" \
    "$(tail -n1 "$ev" | jq -r '"\(.status) \(.digest)"')"
out=$(gb pull --events "$T/again.jsonl" $REG/meta:1 2>&1)
assert_eq "a second pull: every layer Already exists" "$(seq "$n" | sed 's/$/ Already exists/')" \
    "$(jq -r 'select(.index) | "\(.index) \(.status)"' "$T/again.jsonl")"
out=$(gb pull --events "$T/fail.jsonl" $REG/nosuch:1 2>&1)
assert_eq "a failed pull's last event says so" failed "$(tail -n1 "$T/fail.jsonl" | jq -r .status)"
out=$(gb pull --events /nonexistent-dir/x.jsonl $REG/meta:1 2>&1); rc=$?
check "an events file that cannot be opened fails the pull" test $rc -ne 0
# A registry that is not on loopback: HTTPS unless --insecure-registry names it. Another
# address on this namespace's lo, and a second docker-registry on it, plain HTTP.
ip addr add 10.75.0.1/32 dev lo
mkdir -p "$T/reg-far/storage"
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 10.75.0.1:5075\n' \
    "$T/reg-far/storage" > "$T/reg-far/config.yml"
docker-registry serve "$T/reg-far/config.yml" > "$T/reg-far/registry.log" 2>&1 &
REG_PIDS+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/10.75.0.1/5075) 2>/dev/null && break; sleep 0.1; done
push "oci:$O:meta" "docker://10.75.0.1:5075/far:1"
out=$(gb pull 10.75.0.1:5075/far:1 2>&1); rc=$?
check "a registry off loopback is not reached over plain HTTP unasked" test $rc -ne 0
assert_contains "... the error names HTTPS and the flag" "--insecure-registry HOST:PORT" "$out"
check "... and nothing is stored" test ! -e "$D/images/10.75.0.1:5075+far:1.json"
out=$(gb pull --insecure-registry 10.75.0.1:5075 10.75.0.1:5075/far:1 2>&1)
check "pull --insecure-registry HOST:PORT" grep -q "Status: downloaded image 10.75.0.1:5075/far:1" <<<"$out"
assert_contains "... over plain HTTP (the registry's access log, user agent glassbox)" "GET /v2/far/manifests/1" \
    "$(grep -w glassbox "$T/reg-far/registry.log")"

# run --pull never of a name that is not here: refused without asking a registry (a bare
# name would otherwise go to Docker Hub, as with docker run); the error says what fetches it.
out=$(gb run --rm --pull never nosuch75-$$ echo x 2>&1); rc=$?
assert_eq "run --pull never of a missing bare name: exit 125" 125 "$rc"
assert_contains "... the hint names the pull" "\`glassbox pull nosuch75-$$\` fetches it" "$out"
check "... and it went nowhere (no image, no layer)" test ! -e "$D/images/nosuch75-$$.json"
VIZ=$GB_SRC/${BUILD:-build}/bin/glassbox-viz
if [ -x "$VIZ" ]; then
    beats=$(jq -s '[.[] | select(.status != "Downloading")] | length' "$ev")
    msg=$("$VIZ" --headless --frames "$T/frames" --size 480x270 replay "$ev" 2>&1)
    assert_eq "the viz replays the pull: one frame per state ($msg)" "$beats" "$(ls "$T/frames" | wc -l)"
fi
finish
