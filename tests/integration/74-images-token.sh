#!/usr/bin/env bash
# Token auth for real (issue 15): docker-registry with `auth: token:` (realm, service,
# issuer, rootcertbundle) and a token server of the test's own (tests/lib/tokenserver.py)
# issuing JWTs signed RS256 with a key made here by openssl. Anonymous pulls get a pull
# token; a push needs `glassbox login` and a token scoped pull,push; a scope the server
# refuses, a private repository and a wrong password each give a clear error.
. "$(dirname "$0")/../lib/registry.sh"
need_cmd openssl
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=gb74-token \
    -keyout "$T/token.key" -out "$T/token.crt" 2>/dev/null || { not_ok "openssl makes a key"; finish; }
python3 "$GB_SRC/tests/lib/tokenserver.py" 5002 "$T/token.key" "$T/token.crt" gb74-issuer \
    "$T/token.log" alice:s3cret-$$ 2>"$T/token.err" &
REG_PIDS+=($!)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/5002) 2>/dev/null && break; sleep 0.1; done
(exec 3<>/dev/tcp/127.0.0.1/5002) 2>/dev/null || { cat "$T/token.err"; not_ok "token server listening"; finish; }
start_registry 5000 "auth:
  token:
    realm: http://127.0.0.1:5002/token
    service: gb74-registry
    issuer: gb74-issuer
    rootcertbundle: $T/token.crt" || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000
TLOG=$T/token.log
# GET /v2/ without a token: the status and the challenge (python: curl may be missing)
probe=$(python3 -c '
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1])
except urllib.error.HTTPError as e:
    print(e.code, e.headers.get("WWW-Authenticate"))' "http://$REG/v2/")
assert_eq "the registry wants a token" 401 "${probe%% *}"
assert_contains "... its challenge names the realm" 'Bearer realm="http://127.0.0.1:5002/token",service="gb74-registry"' "$probe"

O=$T/oci
busybox_layout "$O" tok
umoci config --image "$O:tok" --os linux --architecture amd64 --config.cmd /bin/sh
for repo in team/app private/app; do
    sk copy -q --dest-creds alice:s3cret-$$ "oci:$O:tok" "docker://$REG/$repo:1" ||
        not_ok "skopeo pushes $repo with a token"
done

# Anonymous pull: the token server is asked for a pull token for that repository.
: > "$TLOG"
out=$(gb pull $REG/team/app:1 2>&1)
check "an anonymous pull through the token flow" grep -q "Status: downloaded image $REG/team/app:1" <<<"$out"
assert_contains "... asked for an anonymous token scoped to the repository" \
    "anonymous repository:team/app:pull pull" "$(cat "$TLOG")"
assert_eq "... and runs" ok "$(gb run --rm $REG/team/app:1 echo ok)"
out=$(gb pull $REG/private/app:1 2>&1); rc=$?
check "an anonymous pull of a private repository fails" test $rc -ne 0
assert_contains "... naming the scope an anonymous user was not granted" \
    "HTTP 401 (insufficient_scope: the token server granted an anonymous user less than 'repository:private/app:pull')" "$out"
assert_contains "... with the fix" "glassbox login" "$out"
check "... and records no image" test ! -e "$GLASSBOX_DATA_ROOT/images/$REG+private+app:1.json"

# Push without login: the anonymous token has no push.
check "tag for a push" gb tag $REG/team/app:1 $REG/team/mine:1
out=$(gb push $REG/team/mine:1 2>&1); rc=$?
check "a push without login fails" test $rc -ne 0
# The registry's challenge lists the scopes and their actions in Go map order (any order,
# and a cross-repository mount's pull of the source repository may come first).
check "... the anonymous token has no push" \
    grep -Eq "granted an anonymous user less than '[^']*repository:team/mine:(pull,push|push,pull)" <<<"$out"
assert_contains "... and says to log in" "log in first: glassbox login" "$out"

# Login: a wrong password is refused by the token server; the right one is stored 0600.
out=$(echo wrong | gb login --username alice --password-stdin $REG 2>&1); rc=$?
check "login with a wrong password fails" test $rc -ne 0
assert_contains "... naming the token server's answer" \
    "gave no token (HTTP 401: it refused the user name and password)" "$out"
check "... and stores nothing" test ! -e "$DOCKER_CONFIG/config.json"
out=$(echo "s3cret-$$" | gb login --username alice --password-stdin $REG 2>&1)
assert_contains "login through the token server" "Login Succeeded" "$out"
assert_eq "... stored 0600" 600 "$(stat -c %a "$DOCKER_CONFIG/config.json")"
assert_contains "... the token server saw alice" "alice " "$(cat "$TLOG")"

# Push with a token scoped pull,push.
: > "$TLOG"
out=$(gb push $REG/team/mine:1 2>&1)
check "push after login" grep -q "digest: sha256:" <<<"$out"
check "... with a token scoped push and pull for alice (granted both)" \
    grep -Eq "^alice repository:team/mine:(pull,push|push,pull) (pull,push|push,pull)$" "$TLOG"
check "... each scope its own scope= (no space-joined one)" bash -c "! grep -q ' repository:.* repository:' '$TLOG'"
check "... the registry has it (skopeo with alice's token)" \
    bash -c "skopeo inspect --tls-verify=false --creds alice:s3cret-$$ docker://$REG/team/mine:1 >/dev/null 2>&1"
out=$(GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data2 gb pull $REG/team/mine:1 2>&1)
check "... and it pulls back into another data root" grep -q "Status: downloaded image" <<<"$out"
assert_eq "... and runs" ok "$(GLASSBOX_DATA_ROOT=$GB_TEST_ROOT/data2 gb run --rm $REG/team/mine:1 echo ok)"

# A scope the token server refuses: alice may only pull readonly/*.
check "tag for readonly/" gb tag $REG/team/app:1 $REG/readonly/mine:1
: > "$TLOG"
out=$(gb push $REG/readonly/mine:1 2>&1); rc=$?
check "a push the token server grants no push for fails" test $rc -ne 0
check "... the server granted only pull" grep -Eq "^alice repository:readonly/mine:(pull,push|push,pull) pull$" "$TLOG"
# (a layer pulled from team/app is mounted across repositories: then the scope asked
# for names team/app's pull as well, before readonly/mine's)
assert_contains "... the error says the token server granted less" \
    "insufficient_scope: the token server granted this account less than '" "$out"
check "... naming the scope refused to alice" \
    grep -Eq "less than '[^']*repository:readonly/mine:(pull,push|push,pull)" <<<"$out"
assert_contains "... and what to do" "this account may not do this here" "$out"
check "... nothing was pushed" bash -c "! skopeo inspect --tls-verify=false --creds alice:s3cret-$$ docker://$REG/readonly/mine:1 >/dev/null 2>&1"
gb logout $REG >/dev/null 2>&1
assert_nothing_left "after the pulls and pushes"
finish
