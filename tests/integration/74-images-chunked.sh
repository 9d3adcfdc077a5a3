#!/usr/bin/env bash
# Chunked blob uploads (issue 15): push sends a blob of 32 MiB or more as PATCHes of 16 MiB
# with Content-Range, each to the Location the last one answered, then a PUT with ?digest=
# and no body; a smaller blob goes in one PUT with ?digest= (monolithic). A logging proxy
# (tests/lib/regproxy.py) in front of the registry shows each request; the registry checks
# the digest, and the image pulled back into another data root has the same bytes.
. "$(dirname "$0")/../lib/registry.sh"
start_registry 5001 || { not_ok "registry listening"; finish; }
start_proxy 5000 5001 || { not_ok "proxy listening"; finish; }
REG=127.0.0.1:5000
PLOG=$T/proxy-5000.log
mkdir -p "$T/ctx"
head -c 40M /dev/urandom > "$T/ctx/big.bin" # random: gzip leaves it over 32 MiB
echo small > "$T/ctx/small.txt"
printf 'FROM busybox\nCOPY small.txt /small.txt\nCOPY big.bin /big.bin\n' > "$T/ctx/Dockerfile"
check "build an image with a 40 MiB layer" bash -c "$GLASSBOX build -t $REG/big:1 '$T/ctx' >/dev/null 2>&1"
: > "$PLOG"
out=$(gb push $REG/big:1 2>&1)
check "push it" grep -q "digest: sha256:" <<<"$out"
man=$(skopeo inspect --raw --tls-verify=false docker://127.0.0.1:5001/big:1 2>/dev/null)
big=$(jq -r '.layers[] | select(.size >= 33554432) | .digest' <<<"$man")
bigsize=$(jq -r '.layers[] | select(.size >= 33554432) | .size' <<<"$man")
small=$(jq -r '.layers[] | select(.size < 33554432) | .digest' <<<"$man" | tail -1)
smallsize=$(jq -r ".layers[] | select(.digest == \"$small\") | .size" <<<"$man")
check "the manifest has a layer over 32 MiB and smaller ones" test -n "$big" -a -n "$small"

# The big blob: its closing PUT names the digest and sends nothing; the PATCHes before it
# went to the same upload (its UUID in the path) with consecutive ranges.
put=$(grep "^PUT .*digest=$big " "$PLOG")
assert_eq "the big blob's closing PUT has an empty body" "- 0" "$(awk '{print $3, $4}' <<<"$put")"
uuid=$(sed -E 's|.*/blobs/uploads/([^?]*)\?.*|\1|' <<<"$put")
ranges=$(grep "^PATCH /v2/big/blobs/uploads/$uuid" "$PLOG" | awk '{print $3 "/" $4}' | tr '\n' ' ')
last=$((bigsize - 1)); tail_len=$((bigsize - 33554432))
assert_eq "... after PATCHes of 16 MiB with Content-Range" \
    "0-16777215/16777216 16777216-33554431/16777216 33554432-$last/$tail_len " "$ranges"
assert_eq "... and the registry holds it whole (its size)" "$bigsize" \
    "$(stat -c %s "$T/reg-5001/storage/docker/registry/v2/blobs/sha256/${big:7:2}/${big:7}/data")"

# A small blob: one PUT with all its bytes, no PATCH.
put=$(grep "^PUT .*digest=$small " "$PLOG")
assert_eq "a small blob goes in one PUT with its bytes" "- $smallsize" "$(awk '{print $3, $4}' <<<"$put")"
uuid=$(sed -E 's|.*/blobs/uploads/([^?]*)\?.*|\1|' <<<"$put")
assert_eq "... and no PATCH" 0 "$(grep -c "^PATCH /v2/big/blobs/uploads/$uuid" "$PLOG")"

# Pulled back: the same bytes.
export GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data2
check "pull it back into another data root" bash -c "$GLASSBOX pull $REG/big:1 >/dev/null 2>&1"
assert_eq "... the 40 MiB file is the same" "$(sha256sum < "$T/ctx/big.bin")" \
    "$(gb run --rm $REG/big:1 cat /big.bin | sha256sum)"
assert_nothing_left "after the push and pull"
finish
