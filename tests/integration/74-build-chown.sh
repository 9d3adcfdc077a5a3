#!/usr/bin/env bash
# COPY/ADD --chown=USER[:GROUP] and --chmod=MODE (issue 15): names looked up in the image
# being built (a user added by a RUN in the same build), numbers as they are, a user alone
# giving its uid as the gid (Docker's rule), --chmod on files and directories, both on COPY
# --from (names from the image being built, not the source stage's), the owners checked
# with stat on the layer's files and inside a container; bad values refused with a clear
# error and no image.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
D=$GLASSBOX_DATA_ROOT
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx/dir/sub"
echo one > "$ctx/one.txt"; chmod 0644 "$ctx/one.txt"
echo two > "$ctx/dir/sub/two.txt"; chmod 0600 "$ctx/dir/sub/two.txt"
echo three > "$ctx/three.txt"
tar -cf "$ctx/arch.tar" -C "$ctx" one.txt
cat > "$ctx/Dockerfile" <<'DF'
FROM busybox AS src
RUN mkdir /made && echo from-stage > /made/file && chmod 0600 /made/file

FROM busybox
RUN echo 'app:x:4321:4322:app:/home/app:/bin/sh' >> /etc/passwd && echo 'staff:x:4400:' >> /etc/group
COPY --chown=app:staff one.txt /named.txt
COPY --chown=app dir /appdir
COPY --chown=1234:5678 --chmod=0751 dir /numdir
COPY --chmod=640 three.txt /three.txt
COPY --from=src --chown=app:staff /made/file /fromstage
ADD --chown=1:1 three.txt /added.txt
DF
out=$(gb build -t chown74 "$ctx" 2>&1)
check "build with --chown and --chmod" grep -q "Successfully tagged chown74" <<<"$out" || echo "$out"

# In a container: stat shows what the layers hold.
st() { gb run --rm chown74 stat -c '%u:%g %a' "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }
assert_eq "--chown=app:staff: the image's own users (added by a RUN)" "4321:4400 644" "$(st /named.txt)"
assert_eq "--chown=app: a user alone gives its uid as the gid too" \
    "4321:4321 755 4321:4321 755 4321:4321 600" "$(st /appdir /appdir/sub /appdir/sub/two.txt)"
assert_eq "--chown=1234:5678 --chmod=0751: numbers, the mode on dirs and files" \
    "1234:5678 751 1234:5678 751 1234:5678 751" "$(st /numdir /numdir/sub /numdir/sub/two.txt)"
assert_eq "--chmod=640 alone: root-owned, that mode" "0:0 640" "$(st /three.txt)"
assert_eq "COPY --from with --chown: names of the image being built" "4321:4400 600" "$(st /fromstage)"
assert_eq "ADD --chown of a plain file" "1:1 644" "$(st /added.txt)"
assert_eq "the content is copied" from-stage "$(gb run --rm chown74 cat /fromstage)"
# On disk, in the layer itself (what push and save pack).
l=$(jq -r '.layers[-1]' "$D/images/chown74.json")
assert_eq "the layer's file has the owner (stat on the host)" "1:1" \
    "$(stat -c %u:%g "$D/layers/$l/diff/added.txt")"
# The cache: the same line hits it, another owner does not.
out=$(gb build -t chown74 "$ctx" 2>&1)
assert_eq "a rebuild is all cache hits (both stages)" 8 "$(grep -c 'Using cache' <<<"$out")"
sed -i 's/--chmod=640/--chmod=600/' "$ctx/Dockerfile"
out=$(gb build -t chown74 "$ctx" 2>&1)
assert_eq "another --chmod is another layer" "0:0 600" "$(st /three.txt)"

# Refusals: clear errors, no image.
bad() { # NAME LINE: a Dockerfile FROM busybox with LINE; prints the build's output
    printf 'FROM busybox\n%s\n' "$2" > "$ctx/Dockerfile.$1"
    gb build -t "bad74-$1" -f "$ctx/Dockerfile.$1" "$ctx" 2>&1
}
out=$(bad user 'COPY --chown=nosuchuser one.txt /x')
assert_contains "an unknown user is refused" "Dockerfile line 2: COPY unable to find user nosuchuser" "$out"
assert_contains "... with the fix" "--chown names a user (and group) of the image being built" "$out"
out=$(bad group 'COPY --chown=daemon:nosuchgroup one.txt /x')
assert_contains "an unknown group is refused" "unable to find group nosuchgroup" "$out"
out=$(bad mode 'COPY --chmod=u+x one.txt /x')
assert_contains "a symbolic mode is refused" "--chmod=u+x is not an octal mode" "$out"
out=$(bad big 'COPY --chmod=17777 one.txt /x')
assert_contains "a mode over 07777 is refused" "--chmod=17777 is not an octal mode" "$out"
out=$(bad flag 'COPY --link one.txt /x')
assert_contains "an unknown flag is refused naming the known ones" "--chown=USER[:GROUP] and --chmod=MODE" "$out"
out=$(bad tar 'ADD --chown=1:1 arch.tar /x/')
assert_contains "ADD --chown of an archive is refused" "an unpacked archive keeps the owners and modes it holds" "$out"
check "no image for the refused builds" bash -c "! ls '$D/images' | grep -q '^bad74'"
check "no layer directory left half made" bash -c "! ls -A '$D/layers' | grep -q '^\.'"
gb rmi chown74 >/dev/null 2>&1
assert_nothing_left "after the builds"
finish
