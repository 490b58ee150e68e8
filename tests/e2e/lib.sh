# Helpers for the end-to-end tests: each test runs the real `baton` binary ($BATON) on stores
# in a temporary directory, the way a user would, and asserts exit codes, output and that a
# rejected command left the store's head where it was.
set -u

PASS=0
FAIL=0
T=$(mktemp -d "${TMPDIR:-/tmp}/baton-e2e.XXXXXX")
OUT="$T/.out"
ERR="$T/.err"
export BATON_TODAY="${BATON_TODAY:-}"
unset BATON_STORE BATON_USER VISUAL EDITOR
# the tests read Baton's English messages: a Danish or Swedish environment must not translate them
# (t_i18n.sh sets LANGUAGE where it checks the translations)
unset LANGUAGE LANG LC_MESSAGES
export LC_ALL=C.UTF-8
export NO_COLOR=1

ok() { PASS=$((PASS + 1)); }

# ---- background work with deadlines ----
# Every child a test starts in the background runs in a session and process group of its own
# (setsid), and spawn returns only once that group exists, so a kill of the group can never miss.
# Children are waited for with a deadline, and whatever is still running when the test ends is
# killed with its whole group: a test can neither hang nor leave a writer behind.
GROUPS_STARTED=""
# spawn CMD...: runs CMD (a program, or a shell function: its variables must be exported) in the
# background in a new process group; its pid (= pgid) goes to $SPAWNED.
spawn() {
    if [ "$(type -t "$1")" = function ]; then
        setsid bash -c "$(declare -f "$1"); \"\$@\"" spawn "$@" &
    else
        setsid "$@" &
    fi
    SPAWNED=$!
    GROUPS_STARTED="$GROUPS_STARTED $SPAWNED"
    local stat rest i=0
    # field 5 of /proc/PID/stat is the process group: equal to PID once setsid has run
    while read -r stat 2>/dev/null <"/proc/$SPAWNED/stat"; do
        rest=${stat##*) }
        set -- $rest
        [ "$3" = "$SPAWNED" ] && break
        i=$((i + 1))
        [ $i -gt 20000 ] && break
    done
}
# kill_group PID: SIGKILL to the whole group (the job and whatever it is running now).
kill_group() { { kill -KILL -- "-$1" || kill -KILL "$1" || true; } 2>/dev/null; }
# wait_deadline SECONDS PID...: waits for each; a job past the deadline is killed with its group
# and the test fails. WAITED_RC holds the exit code of the last job waited for.
wait_deadline() {
    local secs=$1 p end late=""
    shift
    # (bash's own "Killed" notice for a job the test killed on purpose is not worth a line)
    {
        end=$(($(date +%s) + secs))
        for p in "$@"; do
            while kill -0 "$p" && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
            if kill -0 "$p"; then
                late="$late $p"
                kill_group "$p"
            fi
            wait "$p"
            WAITED_RC=$?
            # a finished group's id may be reused: it is no longer ours to kill
            GROUPS_STARTED=$(echo " $GROUPS_STARTED " | sed "s/ $p / /")
        done
    } 2>/dev/null
    for p in $late; do not_ok "background job $p still running after ${secs}s: killed"; done
    return 0
}
cleanup_groups() {
    local p
    for p in $GROUPS_STARTED $(jobs -p 2>/dev/null); do kill_group "$p"; done
}
trap 'cleanup_groups; rm -rf "$T"' EXIT
trap 'exit 143' TERM INT
not_ok() {
    FAIL=$((FAIL + 1))
    echo "not ok - $1" >&2
    [ -s "$OUT" ] && sed 's/^/    out: /' "$OUT" | head -20 >&2
    [ -s "$ERR" ] && sed 's/^/    err: /' "$ERR" | head -20 >&2
    return 0
}

# A sanitizer report anywhere in stderr fails the test, whatever the exit code.
sanitizer_check() {
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$ERR" 2>/dev/null; then
        not_ok "sanitizer report from: baton $*"
    fi
}

# run ARGS...: runs baton, keeping stdout in $OUT, stderr in $ERR and the exit code in $RC.
run() {
    "$BATON" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    sanitizer_check "$@"
    return 0
}

# run_in DIR ARGS...: the same, from another working directory.
run_in() {
    local dir=$1
    shift
    (cd "$dir" && "$BATON" "$@") >"$OUT" 2>"$ERR"
    RC=$?
    sanitizer_check "$@"
    return 0
}

expect_rc() { # expect_rc CODE DESCRIPTION
    if [ "$RC" -eq "$1" ]; then ok; else not_ok "$2 (exit $RC, expected $1)"; fi
}
# expect_due_same DESCRIPTION ARGS...: `baton due ARGS --json` from the index is byte for byte
# the list worked out from git (BATON_DUE_SCAN, test builds only)
expect_due_same() {
    local what=$1
    shift
    "$BATON" due "$@" --json >"$T/.due-index" 2>"$ERR"
    local a=$?
    BATON_DUE_SCAN=1 "$BATON" due "$@" --json >"$T/.due-scan" 2>>"$ERR"
    local b=$?
    if [ "$a" -eq 0 ] && [ "$b" -eq 0 ] && cmp -s "$T/.due-index" "$T/.due-scan"; then
        ok
    else
        not_ok "$what: due from the index differs from due worked out from git (exit $a, $b)"
        diff "$T/.due-index" "$T/.due-scan" | head -5 >&2
    fi
}
expect_out() { # expect_out PATTERN DESCRIPTION   (grep -E on stdout)
    if grep -qE -- "$1" "$OUT"; then ok; else not_ok "$2 (stdout lacks /$1/)"; fi
}
expect_no_out() {
    if grep -qE -- "$1" "$OUT"; then not_ok "$2 (stdout has /$1/)"; else ok; fi
}
expect_err() { # expect_err PATTERN DESCRIPTION   (grep -E on stderr)
    if grep -qE -- "$1" "$ERR"; then ok; else not_ok "$2 (stderr lacks /$1/)"; fi
}
assert() { # assert DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then ok; else not_ok "$d"; fi
}

head_of() { git --git-dir "$1/repo.git" rev-parse refs/heads/main; }

# raw CMD...: runs any command (a pipeline through sh -c, baton under env) like run does.
raw() {
    "$@" >"$OUT" 2>"$ERR"
    RC=$?
    sanitizer_check "$@"
    return 0
}

# expect_refused STORE CODE PATTERN DESCRIPTION ARGS...: `baton ARGS` fails with CODE, says
# PATTERN on stderr as "baton: ...", and the store's head does not move. With ARGS starting
# with --raw, the rest is run as a command of its own.
expect_refused() {
    local store=$1 code=$2 pattern=$3 desc=$4
    shift 4
    local before
    before=$(head_of "$store")
    if [ "$1" = "--raw" ]; then
        shift
        raw "$@"
    else
        run "$@"
    fi
    expect_rc "$code" "$desc"
    expect_err "^baton: .*$pattern" "$desc: message"
    if [ "$(head_of "$store")" = "$before" ]; then ok; else not_ok "$desc: head moved"; fi
}

# new_store PATH: a store with a coordinator (koord) and a teacher (laerer1), as BATON_USER=koord.
new_store() {
    local s=$1
    "$BATON" init "$s" --language da --organisation "Testkommune" >/dev/null || return 1
    BATON_STORE=$s "$BATON" staff add koord --name "Kirsten Koordinator" --email koord@skole.example \
        --role coordinator >/dev/null || return 1
    BATON_STORE=$s BATON_USER=koord "$BATON" staff add laerer1 --name "Lærke Lærer" \
        --email laerer1@skole.example --role teacher >/dev/null || return 1
}

# new_case STORE: creates a synthetic case and prints its id.
new_case() {
    BATON_STORE=$1 BATON_USER=koord "$BATON" case new --child "${2:-Testbarn Eksempelsen}" --born 2017-05-06 \
        --context school:Testskolen:2.B:Testkommune --contact laerer1
}

# serve_start [SERVE OPTIONS...]: baton serve on a free port of 127.0.0.1 (the store from
# BATON_STORE), once it accepts connections; PORT and SERVED (its process group) are set.
serve_start() {
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    spawn sh -c "exec \"\$0\" serve --listen 127.0.0.1:$PORT \"\$@\" >/dev/null" "$BATON" "$@"
    SERVED=$SPAWNED
    for _ in $(seq 200); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$PORT" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# web_verdicts FILE: what a web test's python said (webclient.check: "ok ..." or "FAIL ..."), as
# results; the python ends with a line "done", so a check script that died half-way fails.
web_verdicts() {
    while read -r verdict what; do
        case $verdict in ok) ok ;; done) ;; *) not_ok "$what" ;; esac
    done <"$1"
    assert "the web checks ran to the end" grep -qx "done" "$1"
    grep -v "^ok \|^done" "$1" | head -20 >&2
}

# serve_stop: SIGTERM to the server serve_start started, which must stop within 30 s.
serve_stop() {
    kill -TERM "$SERVED"
    wait_deadline 30 "$SERVED"
    assert "baton serve stopped on SIGTERM ($WAITED_RC)" test "$WAITED_RC" -eq 0
}

# the python side of a web test finds its client here (tests/e2e/webclient.py)
PYTHONPATH=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH

fsck_ok() { git --git-dir "$1/repo.git" fsck --strict >/dev/null 2>&1; }

finish() {
    # every store a test made must pass git fsck --strict
    for s in "$T"/*/repo.git; do
        [ -d "$s" ] || continue
        if git --git-dir "$s" fsck --strict >/dev/null 2>&1; then ok; else not_ok "git fsck --strict on ${s%/repo.git}"; fi
        # and every record it ever held must satisfy schemas/, checked by an independent validator
        if /usr/bin/python3 "$(dirname "$0")/schema_check.py" store "${s%/repo.git}" >"$OUT" 2>"$ERR"; then
            ok
        else
            not_ok "records of ${s%/repo.git} validate against schemas/"
        fi
    done
    echo "$PASS $FAIL" >"${RESULT_FILE:-/dev/null}"
    rm -rf "$T"
    [ "$FAIL" -eq 0 ]
}
