#!/usr/bin/env bash
# FROM debian:bookworm with one RUN apt-get install (issue 5). SLOW the first time
# (~15-60 s: mmdebstrap from the mirror apt uses); the base is then kept in a fixed
# data root shared by every run: /var/tmp/glassbox-test-cache/data (delete it to rebuild).
. "$(dirname "$0")/../lib/common.sh"
need_root
command -v mmdebstrap >/dev/null || command -v debootstrap >/dev/null || skip "needs mmdebstrap or debootstrap (make deps)"
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"${mirror:-http://deb.debian.org/debian}")
timeout 5 bash -c "</dev/tcp/$host/80" 2>/dev/null || skip "the Debian mirror $host is unreachable"

export GLASSBOX_DATA_ROOT=/var/tmp/glassbox-test-cache/data
mkdir -p "$GLASSBOX_DATA_ROOT"
tag=deb70-$$
ctx=$GB_TEST_ROOT/ctx; mkdir -p "$ctx"
cat > "$ctx/Dockerfile" <<'DF'
FROM debian:bookworm
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends hello >/dev/null && rm -rf /var/lib/apt/lists/*
CMD ["hello"]
DF
cleanup70() { gb rmi -f "$tag" >/dev/null 2>&1; gb_cleanup; }
trap cleanup70 EXIT
out=$(gb build --no-cache -t "$tag" "$ctx" 2>&1)
check "the debian build succeeds" grep -q "Successfully tagged $tag" <<<"$out" || echo "$out" | tail -20
assert_eq "the installed program runs" "Hello, world!" "$(gb run --rm "$tag")"
root=$GLASSBOX_DATA_ROOT/layers/$(jq -r '.layers[0]' "$GLASSBOX_DATA_ROOT/images/debian:bookworm.json")/diff
check "base: apt lists cleaned" test -z "$(ls "$root/var/lib/apt/lists" | grep -v -e lock -e partial -e auxfiles)"
check "base: resolv.conf emptied" test ! -s "$root/etc/resolv.conf"
check "base: /etc/hosts has localhost" grep -q localhost "$root/etc/hosts"
check "base: policy-rc.d forbids daemons (exit 101)" bash -c "'$root/usr/sbin/policy-rc.d'; test \$? -eq 101"
assert_eq "base: hostname is not the host's" localhost "$(cat "$root/etc/hostname")"
run_layer=$GLASSBOX_DATA_ROOT/layers/$(jq -r '.layers[1]' "$GLASSBOX_DATA_ROOT/images/$tag.json")/diff
check "the RUN layer holds the new program" test -x "$run_layer/usr/bin/hello"
check "the RUN layer does not carry the host's resolv.conf" test ! -s "$run_layer/etc/resolv.conf"
finish
