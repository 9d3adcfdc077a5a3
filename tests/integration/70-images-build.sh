#!/usr/bin/env bash
# glassbox build: a three-layer image on busybox, the build cache, history, rmi (issue 5).
. "$(dirname "$0")/../lib/common.sh"
need_root
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx/dir"
echo one > "$ctx/one.txt"; echo two > "$ctx/dir/two.txt"; echo secret > "$ctx/secret.key"
printf '*.key\n' > "$ctx/.dockerignore"
cat > "$ctx/Dockerfile" <<'DF'
FROM busybox
ENV WHO=layers
COPY one.txt /l1/
RUN echo "run layer for $WHO" > /l2.txt && rm /etc/motd
COPY . /l3/
WORKDIR /l3
EXPOSE 8080
CMD ["cat", "/l2.txt"]
DF
out=$(gb build -t img70 "$ctx" 2>&1)
check "build succeeds" grep -q "Successfully tagged img70" <<<"$out"
assert_contains "progress as Docker prints it" "Step 4/8 : RUN echo" "$out"
assert_eq "the image's CMD runs" "run layer for layers" "$(gb run --rm img70)"
assert_eq "files from every layer" "one|run layer for layers|two" \
    "$(gb run --rm img70 sh -c 'echo "$(cat /l1/one.txt)|$(cat /l2.txt)|$(cat dir/two.txt)"')"
check "a file deleted by RUN is gone (whiteout in its layer)" bash -c "! $GLASSBOX run --rm img70 test -e /etc/motd"
check ".dockerignore keeps secret.key out" bash -c "! $GLASSBOX run --rm img70 test -e /l3/secret.key"
assert_eq "WORKDIR is the default directory" /l3 "$(gb run --rm img70 pwd)"
assert_eq "layers recorded: base + 7" 8 "$(jq '.layers | length' "$GLASSBOX_DATA_ROOT/images/img70.json")"
assert_eq "EXPOSE recorded in the config" '["8080/tcp"]' "$(jq -c .config.exposed_ports "$GLASSBOX_DATA_ROOT/images/img70.json")"

# An unchanged rebuild is all cache hits: same layer ids, nothing run.
ids1=$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/img70.json")
out=$(gb build --events "$GB_TEST_ROOT/ev.jsonl" -t img70 "$ctx" 2>&1)
assert_eq "second build: 7 of 7 steps from the cache" 7 "$(grep -c ' ---> Using cache' <<<"$out")"
check "second build ran no container" bash -c "! grep -q 'Running in' <<<'$out'"
assert_eq "same layers" "$ids1" "$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/img70.json")"
assert_eq "events: 7 layer.cached" 7 "$(grep -c '"type":"layer.cached"' "$GB_TEST_ROOT/ev.jsonl")"
assert_eq "events: 8 build.step" 8 "$(grep -c '"type":"build.step"' "$GB_TEST_ROOT/ev.jsonl")"

# A changed file copied in step 5 rebuilds step 5 and everything after it, not before.
echo changed > "$ctx/dir/two.txt"
out=$(gb build -t img70 "$ctx" 2>&1)
assert_eq "after a change in COPY . : steps 2-4 cached" 3 "$(grep -c ' ---> Using cache' <<<"$out")"
ids2=$(jq -c .layers "$GLASSBOX_DATA_ROOT/images/img70.json")
assert_eq "the first 4 layers are the same" "$(jq -c '.[0:4]' <<<"$ids1")" "$(jq -c '.[0:4]' <<<"$ids2")"
check "layer 5 and later are new" test "$(jq -r '.[4]' <<<"$ids1")" != "$(jq -r '.[4]' <<<"$ids2")"
assert_eq "the new content is in the image" changed "$(gb run --rm img70 cat dir/two.txt)"
out=$(gb build --no-cache -t img70 "$ctx" 2>&1)
assert_eq "--no-cache uses no cache" 0 "$(grep -c ' ---> Using cache' <<<"$out")"

hist=$(gb history img70)
assert_contains "history shows the RUN instruction" "RUN echo \"run layer for \$WHO\"" "$hist"
assert_contains "history shows the base layer" "built-in busybox image" "$hist"

# A failing RUN: a clear error, no image, no container left.
printf 'FROM busybox\nRUN exit 3\n' > "$ctx/Dockerfile.bad"
out=$(gb build -t bad70 -f "$ctx/Dockerfile.bad" "$ctx" 2>&1)
check "a failing RUN fails the build" test $? -ne 0
assert_contains "with Docker's message" "returned a non-zero code: 3" "$out"
check "no image bad70" test ! -e "$GLASSBOX_DATA_ROOT/images/bad70.json"
printf 'FROM nosuchbase\n' > "$ctx/Dockerfile.nobase"
out=$(gb_offline build -t x70 -f "$ctx/Dockerfile.nobase" "$ctx" 2>&1)
assert_contains "an unknown base is pulled first, as docker build does" "Unable to find image 'nosuchbase' locally" "$out"
assert_contains "... and when the pull fails, the build says so with the pull's error" "nosuchbase: not stored here, no stage of that name, not a Debian base glassbox makes, and the pull failed: https://registry-1.docker.io/v2/library/nosuchbase/manifests/latest" "$out"
assert_contains "an unknown base lists what exists" "available: scratch" "$out"
assert_contains "... including the debian bases" "debian:bookworm" "$out"
printf 'FROM busybox\nFROBNICATE x\n' > "$ctx/Dockerfile.kw"
assert_contains "an unknown instruction names the line" "line 2: unknown instruction FROBNICATE" "$(gb build -t x70 -f "$ctx/Dockerfile.kw" "$ctx" 2>&1)"

# FROM scratch + COPY: an image with only our files.
printf 'FROM scratch\nCOPY one.txt /\n' > "$ctx/Dockerfile.scratch"
gb build -q -t scratch70 -f "$ctx/Dockerfile.scratch" "$ctx" >/dev/null
assert_eq "FROM scratch: one layer, one file" '["one.txt"]' \
    "$(ls "$GLASSBOX_DATA_ROOT/layers/$(jq -r '.layers[0]' "$GLASSBOX_DATA_ROOT/images/scratch70.json")/diff" | jq -R . | jq -sc .)"

# rmi: refused while a container uses the image, then removes unshared layers.
gb create --name c70 img70 >/dev/null
out=$(gb rmi img70 2>&1)
assert_contains "rmi refused while a container uses it" "in use by container c70" "$out"
gb rm c70 >/dev/null
top=$(jq -r '.layers[-1]' "$GLASSBOX_DATA_ROOT/images/img70.json")
base=$(jq -r '.layers[0]' "$GLASSBOX_DATA_ROOT/images/img70.json")
check "rmi works once it is free" bash -c "$GLASSBOX rmi img70 >/dev/null"
check "its own layers are gone" test ! -e "$GLASSBOX_DATA_ROOT/layers/$top"
check "the shared busybox layer stays" test -d "$GLASSBOX_DATA_ROOT/layers/$base/diff"
gb rmi scratch70 >/dev/null
assert_nothing_left "after the builds"
finish
