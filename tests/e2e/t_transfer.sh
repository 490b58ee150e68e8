# Signed transfer files between two stores: keys and trust, export within the basis's scope,
# verify, import with its history, idempotence, and every kind of bad file refused with the
# receiving store's head unchanged.
. "$(dirname "$0")/lib.sh"

A=$T/sender
R=$T/receiver
export BATON_TODAY=2026-11-02
"$BATON" init "$A" --language da --organisation "Afsenderkommune" >/dev/null
"$BATON" init "$R" --language da --organisation "Modtagerkommune" >/dev/null
BATON_STORE=$A "$BATON" staff add koord --name "Kirsten Koordinator" --email koord@afsender.example --role coordinator >/dev/null
BATON_STORE=$R "$BATON" staff add mkoord --name "Mads Modtager" --email mkoord@modtager.example --role coordinator >/dev/null
export BATON_USER=koord BATON_STORE=$A
"$BATON" staff add laerer1 --name "Lærke Lærer" --email laerer1@afsender.example --role teacher >/dev/null
ID=$("$BATON" case new --child "Testbarn Eksempelsen" --born 2017-05-06 --context school:Afsenderskolen:2.B:Afsenderkommune \
    --contact laerer1)
{
    "$BATON" case set "$ID" plan.strengths "DELTSTYRKE tegner detaljeret"
    "$BATON" case set "$ID" plan.works_well "Korte beskeder og faste pladser"
    "$BATON" case set "$ID" plan.challenges.home "SKJULTUDFORDRING aftenerne"
    "$BATON" case set "$ID" plan.strengths "DELTSTYRKE tegner og hjælper yngre" --reason "efter klassemøde"
    "$BATON" measure add "$ID" --setting school --description "SKJULTINDSATS billedskema" --goal "Ser dagens plan" \
        --responsible laerer1 --review-by 2027-01-15
    "$BATON" guardian add "$ID" --name "Gitte Eksempelsen" --relation mor --frequency weekly --channel aula \
        --topics both --detail brief --agreed-on 2026-10-01
    "$BATON" journal add "$ID" --kind observation --at 2026-10-20 --text "DELTJOURNAL leger godt i frikvarteret"
    "$BATON" journal add "$ID" --kind observation --at 2026-10-21 --text "DELTOPFØLGNING lektier" \
        --follow-up 2026-12-01 --owner laerer1
    "$BATON" consent add "$ID" --given-by g1 --date 2026-11-01 --scope strengths,journal --purpose "skoleskift"
} >/dev/null 2>&1

# ---- keys ----
expect_refused "$A" 4 "this store has no signing key" "key show without a key" key show
run key generate
expect_rc 0 "key generate"
expect_out "^fingerprint: [0-9a-f]{32}$" "key generate prints the fingerprint"
KEYFILE=$A/keys/signing.key
assert "the private key file is mode 0600" test "$(stat -c %a "$KEYFILE")" = "600"
assert "the private key is not in git" test -z "$(git --git-dir "$A/repo.git" ls-tree -r --name-only main | grep -i key)"
run config --json
expect_out '"signing_key": "keys/signing.key"' "the key's location is in the store config"
expect_refused "$A" 1 "already has a signing key" "a second key generate" key generate
"$BATON" key show >"$T/pub.txt"
run key show --json
expect_out '"public_key": "[A-Za-z0-9+/]{43}="' "key show --json gives the public key"

# ---- export ----
run handover staff "$ID" --to koord
expect_refused "$A" 1 "handover 1 of case $ID has no basis for sharing" "exporting a handover without a basis" \
    transfer export "$ID" --handover 1 -o "$T/nobasis.btx"
assert "a refused export writes no file" test ! -e "$T/nobasis.btx"
run handover context "$ID" --to-context "school:Modtagerskolen:3.A:Modtagerkommune" \
    --receiver "Nina Modtager <nina@modtager.example>" --basis consent --basis-ref c1
expect_rc 0 "a transition out with consent (strengths, journal)"
run journal add "$ID" --kind contact --with g1 --channel phone --handover 2 --text "Mor er orienteret om skiftet"
expect_rc 0 "the guardians are told after the handover"
run transfer export "$ID" --handover 2 -o "$T/case.btx"
expect_rc 0 "transfer export"
expect_err "transfer file written: [0-9]+ versions, 3 journal entries, 2 handovers" "export says what it wrote (what was recorded after the handover too)"
run case log "$ID"
expect_out "export for handover 2" "case log shows what left"
run case show "$ID" --json
expect_out '"to": "Nina Modtager <nina@modtager.example>"' "the export record names the receiver"
python3 - "$T/case.btx" "$T/case.raw" <<'PY'
import sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"BATONTX1"
open(sys.argv[2], "wb").write(zlib.decompress(d[8:-32]))
PY
assert "the file is BATONTX1, one zlib stream and its checksum" test $? -eq 0
grep -q "DELTSTYRKE" "$T/case.raw" && ok || not_ok "the shared strengths are in the file"
grep -q "DELTJOURNAL" "$T/case.raw" && ok || not_ok "the shared journal is in the file"
for secret in SKJULTUDFORDRING SKJULTINDSATS "Gitte Eksempelsen" "plan.challenges" "plan.measures" "efter klassemøde DELT"; do
    if grep -q "$secret" "$T/case.raw"; then not_ok "'$secret' is outside the consent's scope but in the file"; else ok; fi
done
head -1 "$T/case.raw" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); sys.exit(d["format"] != 1 or len(d["sha256"]) != 64)'
assert "the integrity line carries the format and the sha256" test $? -eq 0
python3 "$(dirname "$0")/schema_check.py" payload "$T/case.raw" >"$OUT" 2>"$ERR"
expect_out "^valid$" "the payload follows schemas/transfer.schema.json"

# ---- verify on the receiving side ----
export BATON_STORE=$R BATON_USER=mkoord
HEAD0=$(head_of "$R")
expect_refused "$R" 1 "the signer \(key [0-9a-f]{32}\) is not a trusted sender here" "verify with an unknown signer" \
    transfer verify "$T/case.btx"
expect_out "^trusted: +NO" "verify says the signer is not trusted"
expect_refused "$R" 1 "not a trusted sender here: refused" "import from an untrusted signer" transfer import "$T/case.btx"
expect_refused "$R" 1 "KEY: 'nonsense' is neither an Ed25519 public key" "trusting a malformed key" \
    key trust nonsense --name "X"
expect_refused "$R" 2 "--name: required" "trusting without a name" key trust "$T/pub.txt"
run key trust "$T/pub.txt" --name "Afsenderkommune"
expect_rc 0 "key trust from a file"
expect_refused "$R" 1 "already trusted" "trusting twice" key trust "$T/pub.txt" --name "Afsenderkommune"
run key list
expect_out "^[0-9a-f]{32}  Afsenderkommune" "key list shows the trusted sender"
run transfer verify "$T/case.btx"
expect_rc 0 "verify a trusted file"
expect_out "^trusted: +yes, as Afsenderkommune" "verify names the trusted sender"
expect_out "^organisation: +Afsenderkommune" "verify names the organisation"
expect_out "^contains: +[0-9]+ versions, 3 journal entries, 2 handovers" "verify says what the file contains"
expect_out "^integrity: +ok" "verify reports the integrity check"

# ---- bad files: each refused with a clear message, the receiving head unchanged ----
HEAD1=$(head_of "$R")
python3 - "$T/case.btx" "$T" <<'PY'
import hashlib, os, random, sys, zlib
src, d = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
def seal(body):  # the container's own checksum, as a sender would write it
    return body + hashlib.sha256(body).digest()
stream = data[8:-32]
open(d + "/truncated.btx", "wb").write(data[: len(data) * 2 // 3])
open(d + "/truncated-sealed.btx", "wb").write(seal(data[: (len(data) - 32) * 2 // 3]))
open(d + "/future.btx", "wb").write(b"BATONTX2" + data[8:])
raw = zlib.decompress(stream)
line, payload = raw.split(b"\n", 1)
open(d + "/future-inner.btx", "wb").write(seal(b"BATONTX1" + zlib.compress(line.replace(b'"format":1', b'"format":7') + b"\n" + payload)))
open(d + "/bomb.btx", "wb").write(seal(b"BATONTX1" + zlib.compress(b"\0" * (1 << 20), 9)))
random.seed(7)
open(d + "/random.btx", "wb").write(bytes(random.getrandbits(8) for _ in range(2048)))
open(d + "/random-after-magic.btx", "wb").write(seal(b"BATONTX1" + bytes(random.getrandbits(8) for _ in range(2048))))
open(d + "/trailing.btx", "wb").write(seal(data[:-32] + b"extra"))
open(d + "/unsealed.btx", "wb").write(data[:-32] + b"\0" * 32)
# the payload changed and re-compressed: the hash inside no longer matches
open(d + "/edited.btx", "wb").write(seal(b"BATONTX1" + zlib.compress(line + b"\n" + payload.replace(b"DELTSTYRKE", b"ANDENSTYRKE"))))
PY
assert "the 1 KiB bomb is about 1 KiB" test "$(stat -c %s "$T/bomb.btx")" -le 1150
for f in truncated:"damaged or truncated" truncated-sealed:"is truncated" unsealed:"checksum does not match" future:"format version 2 is not supported" future-inner:"format version 7 is not supported" \
    bomb:"inflates past the limit" random:"not a Baton transfer file" random-after-magic:"damaged|truncated" \
    trailing:"bytes after its end" edited:"does not match its sha256"; do
    name=${f%%:*}
    msg=${f#*:}
    expect_refused "$R" 1 "$msg" "verify refuses the $name file" transfer verify "$T/$name.btx"
    expect_refused "$R" 1 "$msg" "import refuses the $name file" transfer import "$T/$name.btx"
done
# a file signed with a key nobody here trusts, by a third store
O=$T/other
"$BATON" init "$O" --organisation "Ukendt" >/dev/null
BATON_STORE=$O env -u BATON_USER "$BATON" staff add ukoord --name "U Koord" --email u@ukendt.example --role coordinator >/dev/null
OID=$(BATON_STORE=$O BATON_USER=ukoord "$BATON" case new --child "Andet Barn" --born 2016-01-01 --context school:U --contact ukoord)
BATON_STORE=$O BATON_USER=ukoord "$BATON" key generate >/dev/null
BATON_STORE=$O BATON_USER=ukoord "$BATON" guardian add "$OID" --name "Far Barn" --relation far >/dev/null 2>&1
BATON_STORE=$O BATON_USER=ukoord "$BATON" handover context "$OID" --to-context school:M --receiver "M M <m@m.example>" \
    --basis statutory --basis-ref "lovkrav (syntetisk)" >/dev/null 2>&1
BATON_STORE=$O BATON_USER=ukoord "$BATON" transfer export "$OID" --handover 1 -o "$T/untrusted.btx" >/dev/null 2>&1
expect_refused "$R" 1 "is not a trusted sender here" "a file signed with an untrusted key" transfer verify "$T/untrusted.btx"
# one byte flipped at sampled positions (every position is flipped in the Check suite, in-process)
python3 - "$T/case.btx" "$T/flips" <<'PY'
import os, sys
data = bytearray(open(sys.argv[1], "rb").read())
os.makedirs(sys.argv[2], exist_ok=True)
n = len(data)
positions = sorted(set(list(range(0, min(n, 40))) + list(range(max(0, n - 40), n)) + list(range(0, n, max(1, n // 120)))))
for p in positions:
    d = bytearray(data)
    d[p] ^= 0x5a
    open(os.path.join(sys.argv[2], "%05d.btx" % p), "wb").write(d)
PY
flipped=0
accepted=0
for f in "$T"/flips/*.btx; do
    flipped=$((flipped + 1))
    if "$BATON" transfer import "$f" >/dev/null 2>"$T/flip.err"; then accepted=$((accepted + 1)); fi
    grep -q '^baton: ' "$T/flip.err" || accepted=$((accepted + 1))
done
assert "all $flipped flipped files are refused with a message" test "$accepted" -eq 0
assert "and at least 150 positions were tried" test "$flipped" -ge 150
assert "no refused file moved the receiving head" test "$(head_of "$R")" = "$HEAD1"
assert "nothing was written before the trust was given, either" test "$(git --git-dir "$R/repo.git" rev-list --count "$HEAD0..$HEAD1")" -eq 1

# ---- import ----
run transfer import "$T/case.btx" --contact ghost
expect_rc 4 "import to an unknown contact person"
assert "a refused import writes nothing" test "$(head_of "$R")" = "$HEAD1"
loose() { find "$R/repo.git/objects" -path '*/pack' -prune -o -type f -print | wc -l; }
packs() { find "$R/repo.git/objects/pack" -name '*.pack' | wc -l; }
LOOSE1=$(loose)
PACKS1=$(packs)
run transfer import "$T/case.btx"
expect_rc 0 "transfer import"
expect_out "^$ID$" "import prints the case id"
HEAD2=$(head_of "$R")
steps=$(git --git-dir "$R/repo.git" rev-list --count "$HEAD1..$HEAD2")
assert "the import replayed a chain long enough to be packed ($steps commits)" test "$steps" -ge 4
assert "its objects went to disk as one pack, not as loose files ($LOOSE1 -> $(loose) loose)" \
    test "$(loose)" -eq "$LOOSE1" -a "$(packs)" -eq $((PACKS1 + 1))
run transfer import "$T/case.btx"
expect_rc 0 "importing the same file again"
expect_err "already imported from this file; nothing changed" "the second import says so"
assert "the second import changes nothing" test "$(head_of "$R")" = "$HEAD2"
run case show "$ID" --json
expect_out '"status": "active"' "the imported case is active here"
expect_out '"staff": "mkoord"' "with the importer as contact person"
expect_out '"institution": "Modtagerskolen"' "in the new context"
expect_out "DELTSTYRKE tegner og hjælper yngre" "the shared strengths came along"
expect_no_out "SKJULT" "nothing outside the scope came along"
run handover list --pending
expect_out "^$ID +3 +context .*PENDING" "a handover here waits for the new contact person"
run due --json
expect_out '"kind": "handover_ack"' "due lists the pending acknowledgement"
run handover ack "$ID" 3 --as mkoord
expect_rc 0 "the new contact person acknowledges"
run journal list "$ID"
expect_out "DELTJOURNAL" "the journal came along"
run staff list --all
expect_out "^x[a-z0-9]{4}-laerer1 .*\(left\)" "the sender's staff are inactive records here"
expect_out "^x[a-z0-9]{4}-laerer1 +Lærke Lærer" "keeping their names, though they never made a commit there"
# nothing here is owed by the sender's staff: their open follow-up passed to the contact person
run due --all --json
cp "$OUT" "$T/due.json"
python3 - "$OUT" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
bad = [i for i in items if (i.get("owner") or "").startswith("x")]
fu = [i for i in items if i["kind"] == "follow_up" and i["owner"] == "mkoord"]
sys.exit(0 if not bad and len(fu) == 1 else (bad, fu))
PY
assert "due owes nothing to the sender's staff; the open follow-up is the contact person's" test $? -eq 0
run journal list "$ID" --json
expect_out '"owner": "mkoord"' "the follow-up got a correction naming the contact person here"
run handover show "$ID" 2
expect_out "\[x\] guardians informed" "the sender's handover says the guardians were told, as the sender recorded after it"
run search DELTOPFØLGNING --json
expect_out '"author": "Kirsten Koordinator"' "search names who wrote the imported entry, not who imported it"

# history: every version within scope, with its original author and date, and a source trailer
git --git-dir "$R/repo.git" log --format='%an|%ad|%B' --date=iso-strict main >"$T/rlog"
grep -q "^Baton-Source: [a-z0-9]* [0-9a-f]\{40\} [0-9a-f]\{32\}$" "$T/rlog" && ok || not_ok "replayed commits carry a Baton-Source trailer"
grep -q "^Kirsten Koordinator|" "$T/rlog" && ok || not_ok "replayed commits keep their original author"
python3 - "$A" "$R" "$ID" <<'PY'
import json, subprocess, sys
A, R, cid = sys.argv[1:]
def git(store, *a):
    return subprocess.run(["git", "--git-dir", store + "/repo.git", *a], capture_output=True, check=True).stdout.decode()
path = [p for p in git(R, "ls-tree", "-r", "--name-only", "main").split() if p.endswith(cid + "/case.json")][0]
pairs = 0
for c in git(R, "rev-list", "main", "--", path).split():
    msg = git(R, "log", "-1", "--format=%B", c)
    src = [l.split()[2] for l in msg.splitlines() if l.startswith("Baton-Source: ")]
    if not src:
        continue
    mine = json.loads(git(R, "show", c + ":" + path))
    theirs = json.loads(git(A, "show", src[0] + ":" + path))
    if mine["plan"].get("strengths") != theirs["plan"].get("strengths") or mine["plan"].get("works_well") != theirs["plan"].get("works_well") \
       or mine["child"] != {k: v for k, v in theirs["child"].items() if k != "national_id"}:
        sys.exit("version %s differs from its source %s" % (c, src[0]))
    ta = git(R, "log", "-1", "--format=%an %at", c)
    tb = git(A, "log", "-1", "--format=%an %at", src[0])
    if ta != tb:
        sys.exit("author/date of %s differ: %s vs %s" % (c, ta, tb))
    pairs += 1
sys.exit(0 if pairs >= 2 else "only %d versions replayed" % pairs)
PY
assert "each replayed version equals its source within scope, with the same author and date" test $? -eq 0
run case log "$ID"
expect_out "change plan.strengths" "case log here shows the sender's versions"
# the packet that came along is kept byte for byte as the sender's, and written only to a file
SHA_A=$(BATON_STORE=$A BATON_USER=koord "$BATON" packet "$ID" 2 --format html | sha256sum | cut -d' ' -f1)
run packet "$ID" 3 --format html --original -o "$T/original.html"
expect_rc 0 "packet --original -o FILE"
SHA_R=$(sha256sum <"$T/original.html" | cut -d' ' -f1)
assert "the received packet's sha256 matches the sender's" test "$SHA_A" = "$SHA_R"
expect_refused "$R" 2 "--original: goes with -o FILE" "the original is never shown" packet "$ID" 3 --original
expect_refused "$R" 1 "--original: handover 1 of case .* was made here, not received" \
    "--original of a handover made here" packet "$ID" 1 --original -o "$T/x.html"
# shown, it is Baton's page around the sender's text: never the sender's HTML as it came
run packet "$ID" 3 --format html
expect_rc 0 "the received packet, shown as html"
expect_out "<h1>Modtaget overleveringspakke: $ID</h1>" "under Baton's own heading"
expect_out "Afsenderkommune" "naming the sender by its trusted key"
assert "not the sender's bytes" test "$(printf '%s' "$(cat "$OUT")" | sha256sum | cut -d' ' -f1)" != "$SHA_A"
run packet "$ID" 3
expect_out "^Sendt af: +Afsenderkommune" "as text, too"
run fsck
expect_rc 0 "the receiving store passes baton fsck"

# ---- --allow-untrusted imports, warns, and records it ----
run transfer import "$T/untrusted.btx" --allow-untrusted
expect_rc 0 "import with --allow-untrusted"
expect_err "warning: the signer .* is not trusted here" "it warns"
run handover show "$OID" 2 --json
expect_out '"trusted": false' "the handover records that the signer was not trusted"
expect_out '"organisation": "unverified sender \(key [0-9a-f]{16}\)"' \
    "and names no organisation for it: the file's own word is not taken"
run transfer verify "$T/untrusted.btx"
expect_out "^claims to be: +Ukendt \(the file's own words, not verified\)" "verify shows the sender's name as a claim"
expect_no_out "^organisation:" "and no organisation"

# ---- a trusted key that is revoked: its files are refused for good ----
"$BATON" staff add mlaerer --name "Mona Lærer" --email mlaerer@modtager.example --role teacher >/dev/null
FP=$(BATON_STORE=$A "$BATON" key show --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
expect_refused "$R" 1 "--reason: required" "revoke without a reason" key revoke "$FP"
expect_refused "$R" 1 "may not do this" "a teacher may not revoke" --as mlaerer key revoke "$FP" --reason "tabt nøgle"
expect_refused "$R" 4 "FINGERPRINT: no trusted sender with fingerprint" "revoking an unknown key" \
    key revoke 00112233445566778899aabbccddeeff --reason "tabt nøgle"
run key revoke "$FP" --reason "nøglen er bortkommet"
expect_rc 0 "key revoke"
run key list
expect_out "^$FP  Afsenderkommune .*REVOKED 2026-11-02, mkoord" "key list marks the key revoked"
expect_refused "$R" 1 "the sender key $FP \(Afsenderkommune\) was revoked here on 2026-11-02 by mkoord" \
    "verify refuses a file signed with a revoked key" transfer verify "$T/case.btx"
expect_refused "$R" 1 "was revoked here .*refused, even with --allow-untrusted" \
    "import refuses it even with --allow-untrusted" transfer import "$T/case.btx" --allow-untrusted
expect_refused "$R" 1 "was revoked on 2026-11-02: it cannot be trusted again" "a revoked key is never trusted again" \
    key trust "$T/pub.txt" --name "Afsenderkommune"
expect_refused "$R" 1 "already revoked" "revoking twice" key revoke "$FP" --reason "igen"
run fsck
expect_rc 0 "the store with a revoked key passes baton fsck"

# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_transfer" --all
expect_due_same "due at the end of t_transfer, as of a day long ago" --as-of 2020-01-01
finish
