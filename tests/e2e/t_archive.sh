# The archive package of a closed case: every record as git holds it, every version with who,
# when and why, the packets, the case's part of the access log, and a signed manifest; checked by
# `baton archive verify` without a store, which catches a changed, missing or added file and a
# changed manifest. Bad input is refused with nothing written.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add laerer2 --name "Lise Lærer" --email laerer2@skole.example --role teacher >/dev/null
ID=$(new_case "$S")
{
    "$BATON" case set "$ID" plan.strengths "Bygger med klodser"
    "$BATON" journal add "$ID" --kind observation --text "Roligt i frikvarteret"
    "$BATON" journal add "$ID" --kind observation --text "Fortroligt notat" --restricted
    "$BATON" handover staff "$ID" --to laerer2 --reason "ny kontaktperson"
    "$BATON" case set "$ID" plan.works_well "Korte beskeder" --reason "efter mødet"
} >/dev/null 2>&1

# ---- bad input: refused, nothing written ----
run archive export "$ID"
expect_rc 2 "export without -o"
run archive export "$ID" -o "$T/a1"
expect_rc 1 "an active case is not archived"
expect_err "is active" "an active case: message"
assert "nothing written for an active case" test ! -e "$T/a1"
"$BATON" case set "$ID" status closed >/dev/null
run archive export "$ID" -o "$T/a1"
expect_rc 1 "a store without a signing key"
expect_err "baton key generate" "no key: message"
assert "nothing written without a key" test ! -e "$T/a1"
"$BATON" key generate >/dev/null
run archive export "$ID" -o "$T/a1" --as laerer2
expect_rc 1 "a teacher cannot archive"
assert "nothing written for a teacher" test ! -e "$T/a1"
mkdir "$T/taken"
run archive export "$ID" -o "$T/taken"
expect_rc 1 "an existing directory is refused"
expect_err "^baton: -o: " "the existing directory is named"
run archive export nosuch -o "$T/a1"
expect_rc 4 "an unknown case"
assert "no temporary directory is left" test -z "$(ls -d "$T"/a1.tmp-* 2>/dev/null)"

# ---- the package ----
run archive export "$ID" -o "$T/a1"
expect_rc 0 "archive export"
A=$T/a1
for f in manifest.json history.json access-log.json records/case.json packets/handover-0001.html; do
    assert "the package holds $f" test -s "$A/$f"
done
assert "the record is the bytes git holds" cmp -s "$A/records/case.json" \
    <(git --git-dir "$S/repo.git" show "main:$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "/$ID/case.json")")
n=$(ls "$A/records/journal" | wc -l)
assert "every journal entry is there, the restricted one too ($n)" test "$n" -eq 2
grep -q "Fortroligt notat" "$A/records/journal/"* && ok || not_ok "the restricted entry's text is archived"
python3 - "$A/history.json" "$S" "$ID" <<'PY'
import json, subprocess, sys
h = json.load(open(sys.argv[1]))
git = lambda *a: subprocess.run(["git", "--git-dir", sys.argv[2] + "/repo.git", *a], capture_output=True,
                                text=True).stdout
case_dir = [p for p in git("ls-tree", "-r", "--name-only", "main").split() if p.endswith("/" + sys.argv[3] + "/case.json")]
log = git("log", "--format=%H", "main", "--", case_dir[0].rsplit("/", 1)[0]).split()
ok = [x["commit"] for x in h] == log[::-1] and h[0]["files"]["case.json"]["id"] == sys.argv[3] \
    and any(x.get("reason") == "efter mødet" for x in h) and all(x["staff"] and x["time"].endswith("Z") for x in h)
sys.exit(not ok)
PY
assert "history.json holds every commit that changed the case, oldest first, with who and why" test $? -eq 0
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); sys.exit(not any(x["action"]=="change" for x in e))' "$A/access-log.json"
assert "access-log.json holds the case's entries" test $? -eq 0
run audit list --case "$ID" --json
assert "the export is in the access log" grep -q '"archive"' "$OUT"

# ---- verify ----
run archive verify "$A"
expect_rc 0 "archive verify"
expect_out "^ok: case $ID" "verify names the case"
FP=$("$BATON" key show | sed -n 's/^fingerprint: //p')
expect_out "signed by key $FP" "verify names the store's key"
BATON_STORE=/nonexistent run archive verify "$A"
expect_rc 0 "verify needs no store"
cp -r "$A" "$T/b"
echo "x" >>"$T/b/history.json"
run archive verify "$T/b"
expect_rc 1 "a changed file"
expect_err "history.json: changed since it was archived" "the changed file is named"
rm -r "$T/b" && cp -r "$A" "$T/b" && rm "$T/b/access-log.json"
run archive verify "$T/b"
expect_rc 1 "a missing file"
expect_err "access-log.json: listed in the manifest, but missing" "the missing file is named"
rm -r "$T/b" && cp -r "$A" "$T/b" && echo extra >"$T/b/records/extra.json"
run archive verify "$T/b"
expect_rc 1 "an added file"
expect_err "records/extra.json: in the package, but not in its manifest" "the added file is named"
rm -r "$T/b" && cp -r "$A" "$T/b" && sed -i 's/"exported_by": "koord"/"exported_by": "laerer2"/' "$T/b/manifest.json"
run archive verify "$T/b"
expect_rc 1 "a changed manifest"
expect_err "the signature does not verify" "the changed manifest is caught"
run archive verify "$T/nowhere"
expect_rc 4 "no package there"

# ---- erasure wants the package first ----
B=$(new_case "$S" "Anden Elev")
"$BATON" case set "$B" status closed >/dev/null
expect_refused "$S" 1 "was never archived" "erasing an unarchived case" case erase "$B" --reason "slettefrist"
run case erase "$B" --reason "ingen arkivpligt" --without-archive
expect_rc 0 "--without-archive erases all the same"
run case erase "$ID" --reason "slettefrist"
expect_rc 0 "an archived case is erased"
run archive verify "$A"
expect_rc 0 "the package still verifies after the erasure"
# two erasures in a row: the log's changes still name commits of the history, through both maps
run fsck
expect_rc 0 "baton fsck after two erasures"
run audit verify
expect_rc 0 "audit verify after two erasures"

finish
