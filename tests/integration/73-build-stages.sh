#!/usr/bin/env bash
# glassbox build, the Dockerfile side of issue 15: a multi-stage build (stage 1 makes a file
# with busybox tools, the last stage copies only it), --target, stages the target does not
# need are not built, ARG scoping and --build-arg, SHELL, ADD of tar archives (gzip, bzip2,
# xz, plain; told by content) and of plain files, .dockerignore with ** and ! exceptions,
# cache keys from contents and modes (not mtimes), history per stage, VOLUME (anonymous
# volumes at run).
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
need_cmd python3
D=$GLASSBOX_DATA_ROOT
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx/logs" "$ctx/sub" "$GB_TEST_ROOT/t"
echo top-secret > "$ctx/secret.txt"
echo key > "$ctx/sub/x.key"
echo keep > "$ctx/logs/keep.log"
echo other > "$ctx/logs/other.log"
echo plain > "$ctx/plain.txt"
echo open > "$ctx/open.sh"; chmod 0777 "$ctx/open.sh"   # past the umask
echo suid > "$ctx/suid.bin"; chmod 4755 "$ctx/suid.bin" # past the chown to root
echo from-a-tar > "$GB_TEST_ROOT/t/fa.txt"
tar -czf "$ctx/data.tar.gz" -C "$GB_TEST_ROOT/t" fa.txt
tar -cjf "$ctx/data.tar.bz2" -C "$GB_TEST_ROOT/t" fa.txt
tar -cJf "$ctx/data.tar.xz" -C "$GB_TEST_ROOT/t" fa.txt
tar -cf "$ctx/data.bin" -C "$GB_TEST_ROOT/t" fa.txt # a tar whatever its name
gzip -c "$ctx/plain.txt" > "$ctx/notatar.gz"          # compressed but no tar: copied as is
printf 'secret.txt\n**/*.key\nlogs/**\n!logs/keep.log\n' > "$ctx/.dockerignore"
cat > "$ctx/Dockerfile" <<'DF'
ARG BASE=busybox
ARG GREETING=hello
FROM ${BASE} AS gen
ARG GREETING
ARG LEVEL=1
ARG NOTKEPT=not-in-the-image
SHELL ["/bin/sh", "-c", "echo shell:$0 > /shell.txt; eval \"$1\"", "custom"]
RUN mkdir -p /out && echo "$GREETING level $LEVEL" > /out/msg && seq 1 100 | md5sum | cut -c1-8 > /out/sum && echo builder-only > /builder-only
COPY . /ctx/

FROM busybox AS unused
RUN touch /unused && exit 1

FROM scratch AS assets
ADD data.tar.gz /a/
ADD data.tar.bz2 data.tar.xz /bc/
ADD data.bin /d/
ADD plain.txt notatar.gz /plain/

FROM busybox
ARG DIR=/app
ENV APPDIR=${DIR} SIG=SIGUSR1
COPY --from=gen /out/msg ${DIR}/msg
COPY --from=0 /out/sum $APPDIR/
COPY --from=assets / /assets/
COPY --from=busybox /bin/busybox /app/bb
WORKDIR ${APPDIR}
LABEL org.example.dir=$APPDIR
STOPSIGNAL $SIG
USER ${NOBODY:-65534}
CMD ["cat", "/app/msg"]
DF

out=$(gb build -t img73 "$ctx" 2>&1)
check "the multi-stage build succeeds" grep -q "Successfully tagged img73" <<<"$out"
echo "$out" | grep -E "^(Step|Skipping)" | sed 's/^/    /'
assert_contains "the stage the target does not need is skipped (it would fail)" \
    "Skipping stage 1 unused: the target does not need it" "$out"
check "so its RUN never ran" bash -c "! grep -q 'touch /unused' <<<'$out'"
assert_eq "stage 1 made the file, the last stage has it" "hello level 1" "$(gb run --rm img73)"
assert_eq "COPY --from by index" "$(seq 1 100 | md5sum | cut -c1-8)" "$(gb run --rm img73 cat /app/sum)"
check "the final image lacks stage 1's files" bash -c "! $GLASSBOX run --rm img73 test -e /builder-only"
check "... and its build context copy" bash -c "! $GLASSBOX run --rm img73 test -e /ctx"
left=""
for l in $(jq -r '.layers[]' "$D/images/img73.json"); do
    [ -e "$D/layers/$l/diff/builder-only" ] && left+="$l "
done
assert_eq "no layer of the final image holds /builder-only" "" "$left"
assert_eq "the final image has the base + the last stage's 11 layers" 12 "$(jq '.layers | length' "$D/images/img73.json")"
assert_eq "COPY --from=image (busybox's binary)" "$(gb run --rm img73 md5sum /bin/busybox | cut -d' ' -f1)" \
    "$(gb run --rm img73 md5sum /app/bb | cut -d' ' -f1)"

# ADD: tars unpacked whatever their compression (told by content), plain files copied.
assert_eq "ADD .tar.gz unpacked" from-a-tar "$(gb run --rm img73 cat /assets/a/fa.txt)"
assert_eq "ADD .tar.bz2 and .tar.xz unpacked" from-a-tar "$(gb run --rm img73 cat /assets/bc/fa.txt)"
assert_eq "ADD of a tar named data.bin unpacked" from-a-tar "$(gb run --rm img73 cat /assets/d/fa.txt)"
assert_eq "ADD of a plain file copies it" plain "$(gb run --rm img73 cat /assets/plain/plain.txt)"
assert_eq "ADD of a gzip that is no tar copies it as is" plain \
    "$(gb run --rm img73 sh -c 'gunzip -c /assets/plain/notatar.gz')"

# Substitution in ENV, COPY, WORKDIR, LABEL, STOPSIGNAL, USER; ARGs not in the config.
cfg=$(jq -c .config "$D/images/img73.json")
assert_eq "WORKDIR \${APPDIR}" /app "$(jq -r .workdir <<<"$cfg")"
assert_eq "LABEL \$APPDIR" /app "$(jq -r '.labels["org.example.dir"]' <<<"$cfg")"
assert_eq "STOPSIGNAL \$SIG" SIGUSR1 "$(jq -r .stop_signal <<<"$cfg")"
assert_eq "USER \${NOBODY:-65534}" 65534 "$(jq -r .user <<<"$cfg")"
check "build args are not in the image's env" bash -c "! jq -r '.env[]' <<<'$cfg' | grep -qE '^(DIR|GREETING|LEVEL)='"

# --build-arg overrides a global ARG a stage declares again, and a stage's default.
out=$(gb build -t img73 --build-arg GREETING=hi --build-arg LEVEL=2 --build-arg TYPO=1 "$ctx" 2>&1)
assert_eq "--build-arg GREETING=hi LEVEL=2" "hi level 2" "$(gb run --rm img73)"
assert_contains "an unused --build-arg: Docker's warning" \
    "[Warning] One or more build-args [TYPO] were not consumed" "$out"

# The substituted line is in the cache key: another ${DIR} is not the cached /app layer.
gb build -q -t dir73 --build-arg DIR=/elsewhere "$ctx" >/dev/null
assert_eq "--build-arg DIR=/elsewhere: COPY --from lands there" "hello level 1" \
    "$(gb run --rm dir73 cat /elsewhere/msg)"
assert_eq "... and COPY to \$APPDIR (ENV from the ARG) too" "$(seq 1 100 | md5sum | cut -c1-8)" \
    "$(gb run --rm dir73 cat /elsewhere/sum)"
check "... not at the cached /app" bash -c "! $GLASSBOX run --rm dir73 test -e /app/msg"
gb rmi dir73 >/dev/null

# --target: the stage, nothing after it; SHELL; the build args in RUN's env only.
out=$(gb build -t gen73 --target gen "$ctx" 2>&1)
check "--target gen builds" grep -q "Successfully tagged gen73" <<<"$out"
check "--target gen builds no later stage" bash -c "! grep -qE 'ADD|Skipping' <<<'$out'"
check "--target gen: the image has stage 1's file" bash -c "$GLASSBOX run --rm gen73 test -e /builder-only"
assert_eq "SHELL ran the RUN" "shell:custom" "$(gb run --rm gen73 cat /shell.txt)"
check "ARG NOTKEPT reached RUN's env but not the image" bash -c \
    "! jq -r '.config.env[]' $D/images/gen73.json | grep -q NOTKEPT"
printf 'FROM gen73\nCOPY --from=img73 ["/app/msg", "/from img73/"]\n' > "$GB_TEST_ROOT/Dockerfile.built"
gb build -q -t built73 -f "$GB_TEST_ROOT/Dockerfile.built" "$ctx" >/dev/null
check "FROM a built image" bash -c "$GLASSBOX run --rm built73 test -e /builder-only"
assert_eq "COPY --from=a built image, JSON form after the option" "hi level 2" \
    "$(gb run --rm built73 cat '/from img73/msg')"
gb rmi built73 >/dev/null
out=$(gb build -t x73 --build-arg TYPO=1 --target nope "$ctx" 2>&1)
check "--target of no stage fails" test $? -ne 0
assert_contains "naming the stages" "the stages named with FROM ... AS NAME: gen, unused, assets" "$out"

# .dockerignore: the secret is in no layer of either image, exceptions are kept.
found=""
for img in gen73 img73; do
    for l in $(jq -r '.layers[]' "$D/images/$img.json"); do
        found+=$(find "$D/layers/$l" -name secret.txt -o -name x.key -o -name other.log)
    done
done
assert_eq "secret.txt, **/*.key, logs/** are in no layer dir" "" "$found"
assert_eq "COPY keeps modes: 0777 and 4755" "777 4755" \
    "$(gb run --rm gen73 stat -c %a /ctx/open.sh /ctx/suid.bin | xargs)"
assert_eq "the ! exception keeps logs/keep.log" keep "$(gb run --rm gen73 cat /ctx/logs/keep.log)"
out=$(printf 'FROM busybox\nCOPY secret.txt /\n' | tee "$GB_TEST_ROOT/Dockerfile.ign" >/dev/null; \
      gb build -t ign73 -f "$GB_TEST_ROOT/Dockerfile.ign" "$ctx" 2>&1)
assert_contains "COPY of an ignored file fails, naming .dockerignore" \
    "secret.txt is excluded by .dockerignore" "$out"

# The cache: an unchanged rebuild is all cache hits, in every stage.
gb build -q -t img73 "$ctx" >/dev/null
out=$(gb build -t img73 "$ctx" 2>&1)
hits=$(grep -c ' ---> Using cache' <<<"$out")
layers=$(grep -c '^Step' <<<"$out")
echo "    rebuild with nothing changed: $hits cache hits, $(grep -c 'Running in' <<<"$out") RUNs, $layers steps (5 ARG/FROM make no layer)"
assert_eq "an unchanged multi-stage rebuild: every layer from the cache" $((layers - 5)) "$hits"
ids1=$(jq -c .layers "$D/images/img73.json")
touch -d '2001-01-01' "$ctx/plain.txt"
out=$(gb build -t img73 "$ctx" 2>&1)
assert_eq "a new mtime only: still all cache hits" "$hits" "$(grep -c ' ---> Using cache' <<<"$out")"
assert_eq "... and the same layers" "$ids1" "$(jq -c .layers "$D/images/img73.json")"
chmod 600 "$ctx/plain.txt"
out=$(gb build -t img73 "$ctx" 2>&1)
# rebuilt: COPY . in stage gen and ADD plain.txt in stage assets (both read plain.txt),
# then in the last stage everything from the first COPY --from on (their sources changed):
# 2 + 9 layers; the gen stage's base, ARGs, SHELL, RUN and the last stage's ARG, ENV stay.
assert_eq "a new mode: 11 layers rebuilt, the other 10 from the cache" 10 \
    "$(grep -c ' ---> Using cache' <<<"$out")"
check "the RUN of stage gen was not run again" bash -c "! grep -q 'Running in' <<<'$out'"
assert_eq "... the layers below the first COPY --from are the same" "$(jq -c '.[0:3]' <<<"$ids1")" \
    "$(jq -c '.layers[0:3]' "$D/images/img73.json")"
assert_eq "the mode is in the image" 600 "$(gb run --rm img73 stat -c %a /assets/plain/plain.txt)"

# history names each layer's stage.
hist=$(gb history img73)
assert_contains "history: a layer copied from stage gen" "COPY --from=gen /out/msg \${DIR}/msg" "$hist"
assert_contains "history: the stage of each layer" "[stage 3] CMD" "$hist"
hist=$(gb history gen73)
assert_contains "history of the gen stage" "[gen] RUN mkdir -p /out" "$hist"

# Refusals: URL, ONBUILD, escaping tar; nothing half-made left.
printf 'FROM busybox\nADD https://example.com/x.tar /x/\n' > "$GB_TEST_ROOT/Dockerfile.url"
out=$(gb build -t url73 -f "$GB_TEST_ROOT/Dockerfile.url" "$ctx" 2>&1)
assert_contains "ADD of a URL: clear error" "ADD from a URL needs the network" "$out"
assert_contains "... with the fix" "download it and COPY it" "$out"
printf 'FROM busybox\nONBUILD RUN true\n' > "$GB_TEST_ROOT/Dockerfile.onbuild"
out=$(gb build -t onb73 -f "$GB_TEST_ROOT/Dockerfile.onbuild" "$ctx" 2>&1)
assert_contains "ONBUILD refused with a reason" "ONBUILD is not supported" "$out"
python3 - "$ctx/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"owned\n"
    i = tarfile.TarInfo("../../escaped73.txt"); i.size = len(data)
    t.addfile(i, io.BytesIO(data))
PY
printf 'FROM busybox\nADD evil.tar /x/\n' > "$GB_TEST_ROOT/Dockerfile.evil"
nlayers=$(ls "$D/layers" | wc -l)
out=$(gb build -t evil73 -f "$GB_TEST_ROOT/Dockerfile.evil" "$ctx" 2>&1)
check "ADD of a tar with ../ fails" test ! -e "$D/images/evil73.json"
assert_contains "... refused by the layer unpacker" "escaped73.txt" "$out"
check "nothing escaped" bash -c "! find '$GB_TEST_ROOT' / -maxdepth 1 -name escaped73.txt 2>/dev/null | grep -q ."
assert_eq "no layer left from it" "$nlayers" "$(ls "$D/layers" | wc -l)"

# VOLUME: in the config; each container gets an anonymous volume there, filled from the
# image, removed with the container; a RUN after VOLUME writes into its own volume, which
# the image does not keep (Docker's rule).
cat > "$GB_TEST_ROOT/Dockerfile.vol" <<'DF'
FROM busybox
ENV D=/data
RUN mkdir -p /data && echo from-image > /data/seed
VOLUME ${D} /cache
VOLUME ["/logs"]
RUN echo lost > /data/after-volume
DF
gb build -q -t vol73 -f "$GB_TEST_ROOT/Dockerfile.vol" "$ctx" >/dev/null
assert_eq "VOLUME in the image config" '["/data","/cache","/logs"]' "$(jq -c .config.volumes "$D/images/vol73.json")"
found=""
for l in $(jq -r '.layers[]' "$D/images/vol73.json"); do
    found+=$(find "$D/layers/$l" -name after-volume)
done
assert_eq "a RUN's write below a VOLUME is in no layer" "" "$found"
gb run -d --name v73 -v mine73:/logs vol73 sleep 60 >/dev/null
id=$(gb inspect --json v73 | jq -r .id)
mi=$(cat /proc/"$(gb inspect --json v73 | jq -r .state.pid)"/mountinfo)
assert_contains "the container has a mount on /data" " /data " "$mi"
assert_contains "... and on /cache" " /cache " "$mi"
assert_eq "two anonymous volumes on disk, named after the container" 2 \
    "$(ls "$D/volumes" | grep -c "^anon-$id-")"
assert_eq "filled from the image" from-image "$(cat "$D/volumes/anon-$id-0/_data/seed")"
assert_eq "-v NAME:/logs replaces the anonymous one" "" "$(ls "$D/volumes" | grep "^anon-$id-2")"
gb rm -f v73 >/dev/null
assert_eq "rm removes the anonymous volumes" "" "$(ls "$D/volumes" | grep "^anon-")"
check "... and keeps the named one" test -d "$D/volumes/mine73/_data"
gb volume rm mine73 >/dev/null
printf 'FROM busybox\nVOLUME relative/path\n' > "$GB_TEST_ROOT/Dockerfile.badvol"
out=$(gb build -t bv73 -f "$GB_TEST_ROOT/Dockerfile.badvol" "$ctx" 2>&1)
assert_contains "VOLUME of a relative path refused" "VOLUME relative/path is not an absolute path" "$out"

check "no hidden stage image left" bash -c "! ls '$D/images' | grep -q '^_'"
check "no COPY --from mount dir left" bash -c "[ -z \"\$(ls -A '$D/build-mnt' 2>/dev/null)\" ]"
for i in img73 gen73 vol73; do gb rmi "$i" >/dev/null; done
assert_nothing_left "after the builds"
finish
