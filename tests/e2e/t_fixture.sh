# The benchmark fixture generator: the bulk path (in-memory objects, packfiles) makes exactly the
# commits the normal write path makes; its stores pass git fsck and the schemas; and gc keeps a
# store in daily use free of piles of loose objects.
. "$(dirname "$0")/lib.sh"

GEN=$(dirname "$BATON")/gen-fixture
"$GEN" "$T/normal" --cases 12 --seed 5 --longest 12 --versions 4 --journal 2 >"$T/normal.json" 2>"$ERR"
assert "gen-fixture, normal path" test $? -eq 0
"$GEN" "$T/bulk" --cases 12 --seed 5 --longest 12 --versions 4 --journal 2 --bulk >"$T/bulk.json" 2>"$ERR"
assert "gen-fixture, bulk path" test $? -eq 0
assert "both paths give the same head commit" \
    test "$(git --git-dir "$T/normal/repo.git" rev-parse main)" = "$(git --git-dir "$T/bulk/repo.git" rev-parse main)"
assert "and the same tree" \
    test "$(git --git-dir "$T/normal/repo.git" rev-parse 'main^{tree}')" = "$(git --git-dir "$T/bulk/repo.git" rev-parse 'main^{tree}')"
assert "the bulk store wrote its records into packs" \
    test -z "$(find "$T/bulk/repo.git/objects" -path '*/pack' -prune -o -type f -print)"
assert "so does the normal path: every save is a pack of its own, not loose objects" \
    test -z "$(find "$T/normal/repo.git/objects" -path '*/pack' -prune -o -type f -print)"
"$GEN" "$T/bulk2" --cases 12 --seed 5 --longest 12 --versions 4 --journal 2 --bulk >/dev/null 2>&1
assert "the same seed gives the same commits" \
    test "$(git --git-dir "$T/bulk/repo.git" rev-parse main)" = "$(git --git-dir "$T/bulk2/repo.git" rev-parse main)"
"$GEN" "$T/other" --cases 12 --seed 6 --longest 12 --versions 4 --journal 2 --bulk >/dev/null 2>&1
assert "another seed gives another store" \
    test "$(git --git-dir "$T/bulk/repo.git" rev-parse main)" != "$(git --git-dir "$T/other/repo.git" rev-parse main)"
run --store "$T/bulk" --as s0000 fsck
expect_rc 0 "baton fsck on the bulk store"
run --store "$T/bulk" --as s0000 search --history "overgang"
expect_out "journal|plan" "the fixture's texts are searchable (overgang meets its inflections)"
# the text: a phrase bank mixed with words from the language's word list, drawn by Zipf's law
python3 - "$T/bulk.json" <<'PY'
import json, sys
lx = json.load(open(sys.argv[1]))["lexicon"]
sys.exit(not (lx["words"] > 100000 and len(lx["by_rank"]) >= 24))
PY
assert "gen-fixture reports its lexicon (over 100,000 words, the words by rank)" test $? -eq 0
common=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lexicon"]["by_rank"]["1"])' "$T/bulk.json")
distinct=$(git --git-dir "$T/bulk/repo.git" grep -h -o -E '[a-zæøå]{3,}' main -- cases | sort -u | wc -l)
assert "the fixture's texts hold many distinct words ($distinct)" test "$distinct" -gt 500
run --store "$T/bulk" --as s0000 search "$common"
expect_out "c00000" "the commonest word ($common) is in the texts and searchable"
BATON_FIXTURE_WORDS=$T/no-such-list "$GEN" "$T/nowords" --cases 2 >/dev/null 2>"$ERR"
assert "a missing word list is an error" test $? -ne 0
expect_err "no-such-list: cannot read the word list" "the error names the word list"
assert "and nothing was written" test ! -e "$T/nowords"
run --store "$T/bulk" --as s0000 case log c0000000 --json
python3 - "$OUT" <<'PY'
import json, sys
sys.exit(len(json.load(open(sys.argv[1]))) < 12)
PY
assert "the longest case has its versions" test $? -eq 0
rm -rf "$T/bulk2" "$T/other"

# gc: every save writes a small pack; past a threshold the saves merge them by themselves; baton
# gc packs everything
S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
packs() { ls "$S/repo.git/objects/pack/" | grep -c '\.pack$'; }
for i in $(seq 1 200); do "$BATON" case set "$ID" plan.strengths "Styrke nummer $i" >/dev/null 2>&1; done
assert "200 saves, a pack each, did not leave 200 packs: auto gc merged them ($(packs) packs)" \
    test "$(packs)" -le 25
run gc --json
expect_rc 0 "baton gc"
expect_out '"loose_removed"' "gc reports what it removed"
assert "after gc no loose object is left" \
    test -z "$(find "$S/repo.git/objects" -path '*/pack' -prune -o -type f -print)"
assert "and one pack" test "$(ls "$S/repo.git/objects/pack/" | grep -c '\.pack$')" -eq 1
run case log "$ID" --json
python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))) != 201)' "$OUT"
assert "every version is still there after gc" test $? -eq 0
run fsck
expect_rc 0 "baton fsck after gc"

# gc holds a lock of its own, never the writers': saves go on while one runs, and a second gc
# waits for the first (baton gc, up to the deadline) or leaves the work to it (--auto)
( flock 9 && exec sleep 30 ) 9>"$S/gc.lock" &
HOLDER=$!
for _ in $(seq 100); do flock -n "$S/gc.lock" true 2>/dev/null || break; sleep 0.05; done
run case set "$ID" plan.works_well "mens en gc arbejder"
expect_rc 0 "a save while another gc holds gc.lock"
BATON_LOCK_WAIT_MS=300 run gc
expect_rc 5 "baton gc while another gc runs: busy"
expect_err "another gc of this store is still running" "and it says what it waits for"
for i in $(seq 1 200); do BATON_NO_AUTO_GC=1 "$BATON" case set "$ID" plan.strengths "Løs nummer $i" >/dev/null 2>&1; done
before=$(packs)
run gc --auto
expect_rc 0 "baton gc --auto while another gc runs: not an error"
after=$(packs)
assert "and it left the packing to that gc ($before packs before, $after after)" test "$after" -ge "$before"
run case set "$ID" plan.works_well "en gemning over tærsklen"
expect_rc 0 "a save past the pack threshold while another gc runs: saved, its gc left to the other"
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null
run gc --auto --json
expect_rc 0 "baton gc --auto once the other gc is gone"
expect_out '"packs_removed": [1-9]' "it merged what was due"
run gc --quick --auto
expect_rc 2 "--quick with --auto"
expect_err "--quick and --auto" "names both"
# saves and full gcs at once: every save stands, nothing is lost
( for _ in 1 2 3 4; do "$BATON" gc >/dev/null 2>&1; done ) &
GCS=$!
failed=0
for i in $(seq 1 40); do "$BATON" case set "$ID" plan.works_well "Under gc $i" >/dev/null 2>&1 || failed=$((failed + 1)); done
wait "$GCS"
assert "40 saves during four full gcs: none failed ($failed)" test "$failed" -eq 0
run case log "$ID" --json
python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))) != 443)' "$OUT"
assert "every version is there: 201 + 1 + 200 + 1 + 40" test $? -eq 0
run fsck
expect_rc 0 "baton fsck after saves during gcs"
run gc
expect_rc 0 "a last full gc"

# A quick gc merges the small packs and leaves a big one as it is: each pack it keeps is at
# least twice the size of all smaller ones together (the history is never rewritten by a save).
big=$(ls "$S/repo.git/objects/pack/" | grep '\.pack$')
for i in 1 2 3; do run case set "$ID" plan.works_well "lille $i"; done
assert "three saves, three small packs beside the big one ($(packs))" test "$(packs)" -eq 4
run gc --quick --json
expect_out '"packs_removed": 3' "a quick gc merged the three small packs"
assert "into one, beside the big pack ($(packs))" test "$(packs)" -eq 2
assert "which it did not rewrite" test -e "$S/repo.git/objects/pack/$big"
# Objects no commit reaches (a save refused as a conflict, a writer killed mid-save, plain git)
# end up in packs by quick gcs, which merge them as they go; a full gc takes them all in, and
# nothing is pruned.
orphans=""
for i in $(seq 1 25); do
    orphans="$orphans $(printf 'en blob uden commit %s' "$i" | git --git-dir "$S/repo.git" hash-object -w --stdin)"
    "$BATON" gc --quick >/dev/null 2>&1
done
assert "25 quick gcs of orphan objects kept the packs few ($(packs))" test "$(packs)" -le 8
run gc
expect_rc 0 "a full gc"
assert "one pack left ($(packs))" test "$(packs)" -eq 1
kept=0
for o in $orphans; do git --git-dir "$S/repo.git" cat-file -e "$o" && kept=$((kept + 1)); done
assert "and nothing was pruned: all 25 orphan objects are still there ($kept)" test "$kept" -eq 25
# temporary files of a killed writer go once they are an hour old, not before
P=$S/repo.git/objects
touch -d '2 hours ago' "$P/tmp_object_git2_gammel" "$P/pack/pack_git2_gammel"
touch "$P/tmp_object_git2_ny"
run gc
expect_rc 0 "baton gc with temporary files about"
assert "temporary files older than an hour are removed" test ! -e "$P/tmp_object_git2_gammel" -a ! -e "$P/pack/pack_git2_gammel"
assert "a fresh one (a writer at work) is kept" test -e "$P/tmp_object_git2_ny"
rm -f "$P/tmp_object_git2_ny"
run fsck
expect_rc 0 "baton fsck after all that"

finish
