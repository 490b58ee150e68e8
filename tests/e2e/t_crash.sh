# Crash safety: a writer saves in a loop and says which saves were acknowledged, while the test
# kills it with SIGKILL at random moments. After every kill the next writer is not blocked, and no
# acknowledged save is missing; every 25 kills (and at the end) git fsck is clean and the index,
# caught up, equals a fresh reindex. BATON_CRASH_KILLS asks for more kills (default 200; 40 under
# the sanitizers, where each save is several times slower, and 15 under valgrind, where a save
# takes seconds).
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
CASEPATH=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "$ID/case.json")
KILLS=${BATON_CRASH_KILLS:-200}
[ -n "${BATON_SANITIZED:-}" ] && KILLS=${BATON_CRASH_KILLS:-40}
WINDOW=76
[ -n "${BATON_SANITIZED:-}" ] && WINDOW=600
if [ -n "${BATON_VALGRIND:-}" ]; then
    KILLS=${BATON_CRASH_KILLS:-15}
    WINDOW=8000
fi
ACKS=$T/acks
: >"$ACKS"
export BATON ID ACKS T

writer() { # saves value N, N+1, ...; prints "N" once save N is acknowledged (exit 0)
    n=$1
    while :; do
        if "$BATON" case set "$ID" plan.strengths "Gemt nummer $n" >/dev/null 2>>"$T/writer.err"; then
            echo "$n" >>"$ACKS"
        fi
        n=$((n + 1))
    done
}

n=1
missing=0
blocked=0
survived=0
for k in $(seq 1 "$KILLS"); do
    spawn writer "$n"
    pid=$SPAWNED
    # a random moment into the writer's life, often in the middle of a save (the sanitizers make
    # every process start several times slower)
    ms=$((5 + RANDOM % WINDOW))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    # the writer leads its own process group from the moment spawn returns: the kill reaches it
    # and the baton it is running, and the wait has a deadline all the same
    kill_group "$pid"
    wait_deadline 20 "$pid"
    survived=$((survived + 1))
    n=$((n + 1000))
    # the next writer is not blocked by anything the killed one left behind
    if ! timeout 20 "$BATON" case set "$ID" plan.works_well "efter drab $k" >/dev/null 2>>"$T/after.err"; then
        blocked=$((blocked + 1))
    fi
    # the last acknowledged save is there: the case holds its value, or a later save's (the
    # writer counts up, and a save can land just before its acknowledgement is printed)
    last=$(tail -1 "$ACKS")
    if [ -n "$last" ]; then
        now=$(git --git-dir "$S/repo.git" show "main:$CASEPATH" | sed -n 's/.*"strengths": "Gemt nummer \([0-9]*\)".*/\1/p')
        if [ -z "$now" ] || [ "$now" -lt "$last" ]; then
            missing=$((missing + 1))
        fi
    fi
    if [ $((k % 25)) -eq 0 ]; then
        fsck_ok "$S" || not_ok "git fsck after $k kills"
        "$BATON" fsck >/dev/null 2>"$T/fsck.err" || not_ok "baton fsck (index equals a fresh reindex) after $k kills"
    fi
done
assert "the writer was killed $survived times and every next writer could write" test "$blocked" -eq 0
assert "no acknowledged save was lost across $survived kills" test "$missing" -eq 0
acked=$(wc -l <"$ACKS")
# every acknowledged save, checked once more at the end against the whole history
git --git-dir "$S/repo.git" log -p --format=%H main >"$T/history"
lost=0
while read -r a; do grep -q "\"strengths\": \"Gemt nummer $a\"" "$T/history" || lost=$((lost + 1)); done <"$ACKS"
assert "all $acked acknowledged saves are in the history" test "$lost" -eq 0
assert "some saves were acknowledged at all" test "$acked" -gt 0
assert "git fsck --strict at the end" fsck_ok "$S"
run fsck
expect_rc 0 "baton fsck at the end: objects intact, the index equals a fresh reindex"
assert "no stale ref lock is left" test ! -e "$S/repo.git/refs/heads/main.lock"
echo "crash: $survived kills, $acked acknowledged saves, $lost lost" >&2

finish
