# A real unprivileged user for a test ("a student"): made with a home and subuid/subgid
# ranges, given a copy of the build it can read, and removed at exit with every process
# and container it left. Source after common.sh, then: student PREFIX [TIMEOUT].
# Sets U (the name), uid, home, T (a temp dir, 0755), BIN (its glassbox); as_user ARGS
# runs that glassbox as U with U's own roots (no GLASSBOX_* or XDG_* of root's).
need_cmd useradd
need_cmd runuser

cleanup_user() {
    if id "$U" >/dev/null 2>&1; then
        for id in $(as_user ps -aq 2>/dev/null); do as_user rm -f "$id" >/dev/null 2>&1; done
        ps -u "$U" -o pid= 2>/dev/null | xargs -r kill -KILL 2>/dev/null # this user's own
        userdel -r "$U" 2>/dev/null
    fi
    rm -rf "$T"
    gb_cleanup
}

as_user() {
    (cd / && runuser -u "$U" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME HOME="$home" timeout "$STUDENT_TIMEOUT" "$BIN" "$@")
}

student() {
    U=$1$$ STUDENT_TIMEOUT=${2:-300} home=
    T=$(mktemp -d "/tmp/$1.XXXXXX")
    trap cleanup_user EXIT
    useradd -m -s /bin/sh "$U" || skip "cannot create a test user"
    uid=$(id -u "$U")
    home=$(getent passwd "$U" | cut -d: -f6)
    # useradd gives a range when login.defs says so; else one far above any other.
    local f base
    for f in subuid subgid; do
        base=$((200000000 + (uid % 1000) * 65536))
        grep -q "^$U:" /etc/$f || usermod --add-sub${f#sub}s "$base-$((base + 65535))" "$U"
    done
    # A copy of the build in a directory every user may read: build/ sits below
    # directories that are not the student's to search.
    chmod 755 "$T"
    mkdir -p "$T/bin"
    cp "$GLASSBOX" "$T/bin/" &&
        cp -a "$(dirname "$GLASSBOX")/../share" "$(dirname "$GLASSBOX")/../libexec" "$T/"
    chmod -R o+rX "$T"
    BIN=$T/bin/glassbox
    local out
    out=$(as_user run --rm busybox true 2>&1) || {
        grep -q "unprivileged user namespaces are disabled" <<<"$out" && skip "$out"
    }
}
