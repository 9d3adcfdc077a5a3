#!/usr/bin/env bash
# A pulled image's config honoured at run (issue 15): an image made by umoci (not by
# glassbox) whose config sets Volumes, StopSignal, User, WorkingDir, ExposedPorts and a
# Healthcheck (written into the config by python: umoci has no flag for it), pushed into a
# local registry by skopeo and pulled by glassbox. Each field is checked where the kernel or
# the engine shows it: the mount table, the signal PID 1 gets, id -u, the probe's state.
. "$(dirname "$0")/../lib/registry.sh"
start_registry 5000 || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000
O=$T/oci
busybox_layout "$O" cfg
# (a layer tar by python: umoci insert of a small file writes it without its padding)
python3 - "$T/data.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for n in ("data", "srv", "srv/app"):
        d = tarfile.TarInfo(n); d.type, d.mode = tarfile.DIRTYPE, 0o755; t.addfile(d)
    f = tarfile.TarInfo("data/seed"); f.size, f.mode = 11, 0o644
    t.addfile(f, io.BytesIO(b"from-image\n"))
PY
umoci raw add-layer --image "$O:cfg" "$T/data.tar"
umoci config --image "$O:cfg" --os linux --architecture amd64 --config.cmd /bin/sh \
    --config.env PATH=/bin:/sbin --config.volume /data --config.volume /cache \
    --config.stopsignal SIGUSR1 --config.user 1234:5678 --config.workingdir /srv/app \
    --config.exposedports 8080/tcp --config.exposedports 53/udp
# The Healthcheck as Docker writes it: Test ["CMD-SHELL", line], durations in nanoseconds.
# The config changes, so its digest, the manifest and the index entry are written again.
python3 - "$O" cfg <<'PY'
import hashlib, json, os, sys
lay, tag = sys.argv[1], sys.argv[2]
def blob(d): return os.path.join(lay, "blobs", d.replace(":", "/"))
def put(obj):
    data = json.dumps(obj).encode()
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(d), "wb").write(data)
    return d, len(data)
idx = json.load(open(os.path.join(lay, "index.json")))
ent = [m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == tag][0]
man = json.load(open(blob(ent["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
cfg["config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "test -f /tmp/ok"],
                                "Interval": 200000000, "Retries": 2}
man["config"]["digest"], man["config"]["size"] = put(cfg)
ent["digest"], ent["size"] = put(man)
json.dump(idx, open(os.path.join(lay, "index.json"), "w"))
PY
sk copy -q "oci:$O:cfg" "docker://$REG/cfg:1" || { not_ok "skopeo pushes the image"; finish; }
assert_eq "the registry's config has the Healthcheck" '["CMD-SHELL","test -f /tmp/ok"]' \
    "$(sk inspect --raw --config "docker://$REG/cfg:1" | jq -c .config.Healthcheck.Test)"

check "pull it" gb pull $REG/cfg:1
rec=$GLASSBOX_DATA_ROOT/images/$REG+cfg:1.json
assert_eq "Volumes recorded" '["/cache","/data"]' "$(jq -c '.config.volumes | sort' "$rec")"
assert_eq "StopSignal recorded" SIGUSR1 "$(jq -r .config.stop_signal "$rec")"
assert_eq "Healthcheck recorded as the argv exec runs" '["/bin/sh","-c","test -f /tmp/ok"]' \
    "$(jq -c .config.healthcheck.test "$rec")"
assert_eq "... its interval in seconds" 0.2 "$(jq -r .config.healthcheck.interval "$rec")"
assert_eq "ExposedPorts recorded" '["53/udp","8080/tcp"]' "$(jq -c '.config.exposed_ports | sort' "$rec")"

# User and WorkingDir: what the process is and where it starts.
assert_eq "User: the process runs as 1234:5678" "1234 5678" \
    "$(gb run --rm --no-healthcheck $REG/cfg:1 sh -c 'echo $(id -u) $(id -g)')"
assert_eq "WorkingDir: it starts in /srv/app" /srv/app "$(gb run --rm --no-healthcheck $REG/cfg:1 pwd)"

# Volumes, StopSignal, Healthcheck on one running container.
N=$$
gb run -d --name c74-$N --user 0 $REG/cfg:1 sh -c \
    'trap "echo got-usr1; exit 7" USR1; touch /tmp/ok; while :; do sleep 0.1; done' >/dev/null
id=$(gb inspect --json c74-$N | jq -r .id)
pid=$(gb inspect --json c74-$N | jq -r .state.pid)
mi=$(cat /proc/"$pid"/mountinfo)
assert_contains "Volumes: a mount on /data in the container" " /data " "$mi"
assert_contains "... and on /cache" " /cache " "$mi"
assert_eq "... two anonymous volumes on disk" 2 "$(ls "$GLASSBOX_DATA_ROOT/volumes" | grep -c "^anon-$id-")"
assert_eq "... /data filled from the image" from-image \
    "$(cat "$GLASSBOX_DATA_ROOT"/volumes/anon-$id-*/_data/seed 2>/dev/null)"
healthy=""
for _ in $(seq 100); do
    healthy=$(gb inspect --json c74-$N | jq -r .state.health.status)
    [ "$healthy" = healthy ] && break
    sleep 0.1
done
assert_eq "Healthcheck: the image's probe makes it healthy" healthy "$healthy"
gb stop c74-$N >/dev/null 2>&1
assert_contains "StopSignal: stop sends SIGUSR1 (the trap ran; SIGTERM would not run it)" got-usr1 "$(gb logs c74-$N 2>&1)"
assert_eq "... and PID 1 exited with the trap's code" 7 "$(gb inspect --json c74-$N | jq -r .state.exit_code)"
gb rm -f c74-$N >/dev/null
assert_eq "rm removes the anonymous volumes" "" "$(ls "$GLASSBOX_DATA_ROOT/volumes" | grep "^anon-")"

# Pushed back by glassbox after a tag (a new name, the same record): the config it writes
# for a built image carries the same fields, in Docker's form.
printf 'FROM %s\nRUN true\n' "$REG/cfg:1" > "$T/Dockerfile"
check "build FROM the pulled image" gb build -t $REG/built:1 -f "$T/Dockerfile" "$T"
check "push the built image" gb push $REG/built:1
assert_eq "... a manifest of its own (not the base's: 3 layers)" 3 \
    "$(sk inspect --raw "docker://$REG/built:1" | jq '.layers | length')"
cfgjson=$(sk inspect --raw --config "docker://$REG/built:1")
assert_eq "its config has Volumes" '["/cache","/data"]' "$(jq -c '.config.Volumes | keys' <<<"$cfgjson")"
assert_eq "... the Healthcheck as Docker writes it" '["CMD","/bin/sh","-c","test -f /tmp/ok"]' \
    "$(jq -c .config.Healthcheck.Test <<<"$cfgjson")"
assert_eq "... StopSignal, User, WorkingDir" "SIGUSR1 1234:5678 /srv/app" \
    "$(jq -r '.config | "\(.StopSignal) \(.User) \(.WorkingDir)"' <<<"$cfgjson")"
assert_nothing_left "after the runs"
finish
