# Concurrent writers: saves of different cases at the same time all succeed; saves of the same
# case based on the same version give exactly one success and one conflict (exit 3); nothing
# acknowledged is ever lost.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord

# 8 writers, each saving its own case 5 times, all at once
IDS=""
for i in 1 2 3 4 5 6 7 8; do IDS="$IDS $(new_case "$S" "Barn Nummer$i")"; done
BEFORE=$(git --git-dir "$S/repo.git" rev-list --count main)
five_saves() {
    for n in 1 2 3 4 5; do
        "$BATON" case set "$2" plan.strengths "styrke $1 runde $n" >/dev/null 2>"$T/err.$1.$n" || echo "$1 $n $?" >>"$T/failures"
    done
}
export BATON T BATON_STORE BATON_USER
i=0
pids=""
for id in $IDS; do
    i=$((i + 1))
    spawn five_saves "$i" "$id"
    pids="$pids $SPAWNED"
done
wait_deadline 300 $pids
assert "every save of a different case succeeded" test ! -s "$T/failures"
AFTER=$(git --git-dir "$S/repo.git" rev-list --count main)
assert "40 saves made 40 commits" test $((AFTER - BEFORE)) -eq 40
i=0
for id in $IDS; do
    i=$((i + 1))
    run case show "$id" --json
    expect_out "\"strengths\": \"styrke $i runde 5\"" "writer $i's last save is there"
    run case log "$id"
    assert "writer $i's 5 saves are all in the history" test "$(grep -c 'set plan.strengths' "$OUT")" -eq 5
done
cat "$T"/err.* 2>/dev/null | grep -E 'Sanitizer|runtime error' >&2 && not_ok "sanitizer report in a concurrent writer"

# Two saves of the same case based on the same version: one wins, one gets a conflict.
ID=$(echo $IDS | cut -d' ' -f1)
for round in 1 2 3 4 5; do
    BASE=$(head_of "$S")
    spawn sh -c '"$BATON" case set "$1" plan.works_well "$2" --base "$3" >/dev/null 2>"$4"' _ "$ID" "A$round" "$BASE" "$T/a.err"
    pa=$SPAWNED
    spawn sh -c '"$BATON" case set "$1" plan.works_well "$2" --base "$3" >/dev/null 2>"$4"' _ "$ID" "B$round" "$BASE" "$T/b.err"
    pb=$SPAWNED
    wait_deadline 60 "$pa"
    ra=$WAITED_RC
    wait_deadline 60 "$pb"
    rb=$WAITED_RC
    codes=$(printf '%s\n%s\n' "$ra" "$rb" | sort | tr '\n' ' ')
    assert "round $round: exactly one success and one conflict (got $codes)" test "$codes" = "0 3 "
    if [ "$ra" -eq 0 ]; then won=A$round; lost=$T/b.err; else won=B$round; lost=$T/a.err; fi
    assert "round $round: the loser is told it is a conflict" grep -q "^baton: case $ID: changed by another save" "$lost"
    run case show "$ID" --json
    expect_out "\"works_well\": \"$won\"" "round $round: the winner's save is what the case holds"
done

# Many unbased saves of one case at once: each either commits or is refused as a conflict, and
# every acknowledged one is in the history.
: >"$T/acks"
racer() { "$BATON" case set "$ID" plan.child_perspective "P$1" >/dev/null 2>&1; echo "$1 $?" >>"$T/acks"; }
export ID
pids=""
for n in 1 2 3 4 5 6; do spawn racer "$n"; pids="$pids $SPAWNED"; done
wait_deadline 120 $pids
assert "every racing save either committed or got a conflict" sh -c "! grep -vE ' (0|3)$' '$T/acks'"
run case log "$ID" --json
for n in $(awk '$2 == 0 {print $1}' "$T/acks"); do
    git --git-dir "$S/repo.git" log --format=%H main | while read -r c; do
        git --git-dir "$S/repo.git" show "$c:$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "/$ID/case.json")" 2>/dev/null
    done | grep -q "\"child_perspective\": \"P$n\"" && ok || not_ok "acknowledged save P$n is in the history"
done
assert "the store is intact" fsck_ok "$S"
assert "no lock is left behind" test ! -e "$S/repo.git/refs/heads/main.lock"

# a writer never hangs behind another: past the wait's deadline it gives up as busy (exit 5),
# having written nothing, and the same save goes through once the store is free again
BEFORE=$(head_of "$S")
spawn flock "$S/lock" sleep 4
HOLDER=$SPAWNED
sleep 0.3
BATON_LOCK_WAIT_MS=400 run case set "$ID" plan.works_well "Efter ventetiden"
expect_rc 5 "a save behind a held lock: busy, exit 5"
expect_err "^baton: the store is busy: another writer has held it for [0-9]+ s; nothing was written, try again" \
    "busy: the message says nothing was written"
assert "busy: the head has not moved" test "$(head_of "$S")" = "$BEFORE"
kill_group "$HOLDER"
wait_deadline 10 "$HOLDER" 2>/dev/null
run case set "$ID" plan.works_well "Efter ventetiden"
expect_rc 0 "the same save once the lock is free"

finish
