#!/usr/bin/env bash
# An interrupted pull resumes (issue 15). A logging proxy (tests/lib/regproxy.py) in front
# of a local registry counts the blob GETs and breaks the third layer's transfer halfway:
# once by hanging (the pull is killed with SIGKILL), once by closing the connection (the
# pull fails). Either way the layers stored whole stay, the half-written download is never
# used, and the next pull fetches only the missing layer. A verified download a killed
# pull left is hashed again before it is used; a changed one is fetched again.
. "$(dirname "$0")/../lib/registry.sh"
start_registry 5001 || { not_ok "registry listening"; finish; }
start_proxy 5000 5001 || { not_ok "proxy listening"; finish; }
REG=127.0.0.1:5000
PLOG=$T/proxy-5000.log
MODE=$T/proxy-5000.mode
O=$T/oci
busybox_layout "$O" res
for n in a b; do # two layers of 4 MiB of random bytes (gzip cannot shrink them)
    mkdir -p "$T/rand-$n" && head -c 4M /dev/urandom > "$T/rand-$n/$n.bin"
    python3 -c 'import sys, tarfile; t = tarfile.open(sys.argv[1], "w"); t.add(sys.argv[2], sys.argv[3]); t.close()' \
        "$T/rand-$n.tar" "$T/rand-$n/$n.bin" "$n.bin"
    umoci raw add-layer --image "$O:res" "$T/rand-$n.tar"
done
umoci config --image "$O:res" --os linux --architecture amd64 --config.cmd /bin/sh
sk copy -q "oci:$O:res" "docker://127.0.0.1:5001/res:1" || { not_ok "skopeo pushes the image"; finish; }
mapfile -t L < <(sk inspect --raw "docker://$REG/res:1" | jq -r '.layers[].digest')
assert_eq "the image has 3 layers" 3 "${#L[@]}"
lid() { echo "${1:7:12}"; }
D=$GLASSBOX_DATA_ROOT
blob_gets() { grep -c "^GET /v2/res/blobs/$1 " "$PLOG"; }
whole() { test -f "$D/layers/$(lid "$1")/layer.json" -a -d "$D/layers/$(lid "$1")/diff"; }

# 1. Killed while the third layer arrives: SIGKILL, so no clean-up code runs at all.
echo "stall ${L[2]}" > "$MODE"
gb pull $REG/res:1 > "$T/pull1.out" 2>&1 &
PULL=$!
for _ in $(seq 200); do grep -q "^stall ${L[2]}" "$PLOG" 2>/dev/null && break; sleep 0.1; done
check "the proxy hangs in the third layer's transfer" grep -q "^stall ${L[2]}" "$PLOG"
part=$D/layers/.pull-$(lid "${L[2]}").part
for _ in $(seq 50); do [ -s "$part" ] && break; sleep 0.1; done
check "... with half of it written to a .part file" test -s "$part"
kill -KILL $PULL; wait $PULL 2>/dev/null
check "after SIGKILL: the first layer is whole" whole "${L[0]}"
check "... and the second" whole "${L[1]}"
check "... the third is not in the store" test ! -e "$D/layers/$(lid "${L[2]}")"
check "... no image recorded" test ! -e "$D/images/$REG+res:1.json"
: > "$MODE"
: > "$PLOG"
out=$(gb pull $REG/res:1 2>&1)
check "the pull again succeeds" grep -q "Status: downloaded image $REG/res:1" <<<"$out"
assert_contains "... the first layer already exists" "$(lid "${L[0]}"): Already exists" "$out"
assert_contains "... the second too" "$(lid "${L[1]}"): Already exists" "$out"
assert_eq "... GETs of the first and second layer's blobs" "0 0" "$(blob_gets "${L[0]}") $(blob_gets "${L[1]}")"
assert_eq "... one GET of the third's, from its start (no Range on a half file)" 1 "$(blob_gets "${L[2]}")"
check "... the half-written .part is gone" test ! -e "$part"
assert_eq "... the third layer's file is whole" "$(sha256sum < "$T/rand-b/b.bin")" \
    "$(gb run --rm $REG/res:1 cat /b.bin | sha256sum)"
assert_eq "... no temporary left in layers/" "" "$(ls -a "$D/layers" | grep '^\.pull-')"

# 2. A broken transfer (the connection closed halfway): the pull fails and says what it kept.
export GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data2
D=$GLASSBOX_DATA_ROOT
echo "cut ${L[2]}" > "$MODE"
out=$(gb pull $REG/res:1 2>&1); rc=$?
check "a transfer broken halfway fails the pull" test $rc -ne 0
assert_contains "... naming the blob" "blobs/${L[2]}" "$out"
assert_contains "... and saying what it kept" "2 layer(s) were stored whole and are kept: pull again" "$out"
check "... the first two layers are kept whole" bash -c "$(declare -f whole lid); D=$D; whole ${L[0]} && whole ${L[1]}"
check "... the third is not in the store" test ! -e "$D/layers/$(lid "${L[2]}")"
assert_eq "... no .part or .blob left" "" "$(ls -a "$D/layers" | grep '^\.pull-')"
check "... no image recorded" test ! -e "$D/images/$REG+res:1.json"
: > "$MODE"
: > "$PLOG"
check "the pull again succeeds" bash -c "$GLASSBOX pull $REG/res:1 >/dev/null 2>&1"
assert_eq "... fetching only the third layer" "0 0 1" \
    "$(blob_gets "${L[0]}") $(blob_gets "${L[1]}") $(blob_gets "${L[2]}")"

# 3. A verified download left by a killed pull (killed after its digest matched, before it
# was unpacked): hashed again, then used without a GET; a changed one is fetched again.
export GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data3
D=$GLASSBOX_DATA_ROOT
mkdir -p "$D/layers"
reg_blob() { echo "$T/reg-5001/storage/docker/registry/v2/blobs/sha256/${1:7:2}/${1:7}/data"; }
cp "$(reg_blob "${L[1]}")" "$D/layers/.pull-$(lid "${L[1]}").blob"
cp "$(reg_blob "${L[2]}")" "$D/layers/.pull-$(lid "${L[2]}").blob"
printf '\xff' | dd of="$D/layers/.pull-$(lid "${L[2]}").blob" bs=1 seek=100 conv=notrunc status=none
: > "$PLOG"
out=$(gb pull $REG/res:1 2>&1)
check "a pull with kept downloads succeeds" grep -q "Status: downloaded image $REG/res:1" <<<"$out"
assert_contains "... the verified one is used" "$(lid "${L[1]}"): Verified download kept" "$out"
assert_eq "... GETs: first layer 1, the kept one 0, the changed one 1" "1 0 1" \
    "$(blob_gets "${L[0]}") $(blob_gets "${L[1]}") $(blob_gets "${L[2]}")"
assert_eq "... the layers are right" "$(sha256sum < "$T/rand-a/a.bin") $(sha256sum < "$T/rand-b/b.bin")" \
    "$(gb run --rm $REG/res:1 sh -c 'cat /a.bin | sha256sum; cat /b.bin | sha256sum' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "... no .blob left" "" "$(ls -a "$D/layers" | grep '^\.pull-')"
assert_nothing_left "after the pulls"
finish
