# Handover packets: golden files in English, Danish and Swedish in text, markdown and HTML; the
# same inputs give the same bytes; the sha256 line checks out; HTML escapes every value and is
# self-contained; a consent's scope holds; "what changed" is right across three handovers.
. "$(dirname "$0")/lib.sh"

GOLDEN=$(cd "$(dirname "$0")" && pwd)/golden
export BATON_TODAY=2026-11-02

# build STORE LANG: the same synthetic case in a store of that language; prints the case id
build() {
    local s=$1 lang=$2 id
    "$BATON" init "$s" --language "$lang" --organisation "Testkommune" >/dev/null
    export BATON_STORE=$s
    env -u BATON_USER "$BATON" staff add koord --name "Kirsten Koordinator" --email koord@skole.example --role coordinator >/dev/null
    export BATON_USER=koord
    "$BATON" staff add laerer1 --name "Lærke Lærer" --email laerer1@skole.example --role teacher >/dev/null
    "$BATON" staff add laerer2 --name "Lone Lærer" --email laerer2@skole.example --role teacher >/dev/null
    id=$("$BATON" case new --child "Testbarn Eksempelsen" --born 2017-05-06 --context school:Testskolen:2.B:Testkommune \
        --contact laerer1)
    {
        "$BATON" case set "$id" plan.works_well "Korte beskeder og en fast plads ved vinduet."
        "$BATON" case set "$id" plan.strengths "Tegner detaljeret og hjælper yngre børn."
        "$BATON" case set "$id" plan.child_perspective "Det er svært, når timerne skifter uden varsel."
        "$BATON" case set "$id" plan.guardian_perspective "Træt efter skole; aftenerne er lange."
        "$BATON" case set "$id" plan.needs_predictability true
        "$BATON" case set "$id" plan.transition_notes "Besøg den nye klasse to gange før skiftet."
        "$BATON" case set "$id" plan.challenges.school "Larm og overgange mellem timerne."
        "$BATON" measure add "$id" --setting school --description "Billedskema ved morgenstart" \
            --goal "Ser selv dagens plan" --responsible laerer1 --review-by 2027-01-15
        "$BATON" focus add "$id" --area dansk --text "Læse korte tekster højt" --home "Ti minutter hver aften" \
            --follow-up 2027-01-20
        "$BATON" guardian add "$id" --name "Gitte Eksempelsen" --relation mor --phone "+45 00 00 00 01" \
            --frequency weekly --channel aula,phone --topics both --detail brief --agreed-on 2026-10-01
        "$BATON" team add "$id" koord --role koordinator --responsible-for "opfølgning på aftaler" --follows-up yes
        "$BATON" journal add "$id" --kind contact --with g1 --channel phone --at 2026-10-20 \
            --text "Mor fortæller om roligere morgener." --follow-up 2026-11-20 --owner laerer1
        # a time (UTC 06:15 in the journal) is shown in the store's time zone: 08:15 in October
        "$BATON" journal add "$id" --kind observation --at 2026-10-21T06:15:00Z --text "Ankom roligt og gik direkte ind."
        "$BATON" handover staff "$id" --to laerer2 --reason "ny kontaktperson"
        "$BATON" handover checklist "$id" 1 --meeting-held 2026-11-02
        "$BATON" handover ack "$id" 1 --as laerer2
    } >/dev/null 2>&1
    echo "$id"
}

# mask FILE STORE CASE: volatile ids (revisions, hashes, store and case ids) as placeholders
mask() {
    local sid
    sid=$(git --git-dir "$2/repo.git" show main:baton.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["store_id"])')
    sed -E "s/[0-9a-f]{64}/<sha256>/g; s/[0-9a-f]{40}/<revision>/g; s/$3/<case>/g; s/$sid/<store>/g" "$1"
}

for lang in en da sv; do
    S=$T/store-$lang
    ID=$(build "$S" "$lang")
    export BATON_STORE=$S BATON_USER=koord
    for fmt in text markdown html; do
        run packet "$ID" --format "$fmt" -o "$T/packet.$lang.$fmt"
        expect_rc 0 "packet $lang $fmt"
        mask "$T/packet.$lang.$fmt" "$S" "$ID" >"$T/masked.$lang.$fmt"
        if [ -n "${BATON_UPDATE_GOLDEN:-}" ]; then
            cp "$T/masked.$lang.$fmt" "$GOLDEN/packet.$lang.$fmt"
        fi
        if cmp -s "$T/masked.$lang.$fmt" "$GOLDEN/packet.$lang.$fmt"; then
            ok
        else
            not_ok "packet $lang $fmt matches tests/e2e/golden/packet.$lang.$fmt"
            diff -u "$GOLDEN/packet.$lang.$fmt" "$T/masked.$lang.$fmt" | head -20 >&2
        fi
        # the last line is the sha256 of every byte before it
        python3 - "$T/packet.$lang.$fmt" "$fmt" <<'PY'
import hashlib, re, sys
data = open(sys.argv[1], "rb").read()
marker = b'<p class="sha">' if sys.argv[2] == "html" else None
if marker:
    cut = data.rindex(marker)
else:
    cut = data.rstrip(b"\n").rindex(b"\n") + 1
claimed = re.findall(rb"[0-9a-f]{64}", data[cut:])[0].decode()
sys.exit(hashlib.sha256(data[:cut]).hexdigest() != claimed)
PY
        assert "packet $lang $fmt: the sha256 line is the hash of everything above it" test $? -eq 0
    done
    run packet "$ID" --format json
    expect_out '"sha256": "[0-9a-f]{64}"' "packet $lang json carries its sha256"
done
expect_out '"language": "sv"' "the JSON model says the store's language"
grep -q "^Overleveringspakke: Testbarn Eksempelsen" "$T/packet.da.text" && ok || not_ok "Danish headings come from the catalogue"
grep -q "^Överlämningspaket: Testbarn Eksempelsen" "$T/packet.sv.text" && ok || not_ok "Swedish headings come from the catalogue"
grep -q "^Handover packet: Testbarn Eksempelsen" "$T/packet.en.text" && ok || not_ok "English is the source language"
grep -q "@page{size:A4" "$T/packet.da.html" && ok || not_ok "the HTML is set up for A4"
if grep -qE 'src=|href=|url\(|@import|<script' "$T/packet.da.html"; then not_ok "the HTML loads nothing from outside"; else ok; fi

# sections in order: what works and strengths first
awk '/^What works and the child/{a=NR} /^The child.s voice/{b=NR} /^!! Predictability|^Predictability/{c=NR} /^Challenges/{d=NR} /^Active measures/{e=NR} /^Focus points/{f=NR} /^Communication with/{g=NR} /^Team and/{h=NR} /^Open follow-ups/{i=NR} /^Journal since/{j=NR} /^What changed since/{k=NR} /^Checklist/{l=NR} END{exit !(a<b && b<c && c<d && d<e && e<f && f<g && g<h && h<i && i<j && j<k && k<l)}' \
    "$T/packet.en.text"
assert "the sections come in packet order, strengths first" test $? -eq 0

# ---- the same revision renders the same bytes, whatever else happens in the store ----
S=$T/store-da
export BATON_STORE=$S BATON_USER=koord
ID=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep case.json | head -1 | cut -d/ -f3)
"$BATON" packet "$ID" --format html >"$T/again.html"
assert "rendering twice gives the same bytes" cmp -s "$T/again.html" "$T/packet.da.html"
OTHER=$("$BATON" case new --child "Andet Barn" --born 2018-01-01 --context school:Testskolen --contact laerer1)
"$BATON" case set "$OTHER" plan.strengths "Noget helt andet" >/dev/null
"$BATON" case set "$ID" plan.strengths "Ændret efter overleveringen" >/dev/null
"$BATON" packet "$ID" 1 --format html >"$T/later.html"
assert "later changes do not alter the packet of handover 1" cmp -s "$T/later.html" "$T/packet.da.html"

# ---- what changed since the last handover, across three handovers ----
"$BATON" handover staff "$ID" --to laerer1 >/dev/null 2>&1           # handover 2
"$BATON" measure set "$ID" m1 --goal "Læser selv dagens plan højt" >/dev/null 2>&1
"$BATON" handover staff "$ID" --to laerer2 >/dev/null 2>&1           # handover 3
run packet "$ID" 1 --format json
python3 - "$OUT" <<'PY'
import json, sys
s = {x["key"]: x for x in json.load(open(sys.argv[1]))["sections"]}["changes"]
sys.exit(int(not s.get("first") or bool(s["changes"])))
PY
assert "handover 1: the first, nothing to compare with" test $? -eq 0
run packet "$ID" 2 --format json
python3 - "$OUT" <<'PY'
import json, sys
s = {x["key"]: x for x in json.load(open(sys.argv[1]))["sections"]}["changes"]
f = {c["field"]: c for c in s["changes"]}
ok = f.get("plan.strengths", {}).get("new") == "Ændret efter overleveringen" \
    and f["plan.strengths"]["old"] == "Tegner detaljeret og hjælper yngre børn." \
    and f.get("contact.staff", {}).get("new") == "laerer2" and not any(k.startswith("plan.measures") for k in f)
sys.exit(not ok)
PY
assert "handover 2: the strengths changed since handover 1 (and the measure did not)" test $? -eq 0
run packet "$ID" 3 --format json
python3 - "$OUT" <<'PY'
import json, sys
s = {x["key"]: x for x in json.load(open(sys.argv[1]))["sections"]}["changes"]
f = {c["field"]: c for c in s["changes"]}
ok = f.get("plan.measures[m1].goal", {}).get("new") == "Læser selv dagens plan højt" and "plan.strengths" not in f
sys.exit(not ok)
PY
assert "handover 3: only the measure's goal changed since handover 2" test $? -eq 0
run packet "$ID" 3 --format text
expect_out "^  \* plan.measures\[m1\].goal \(ændret\)" "the text packet lists the change in Danish"

# ---- every value is escaped in the HTML ----
"$BATON" case set "$ID" plan.strengths '<script>alert("x")</script>' >/dev/null
"$BATON" guardian set "$ID" g1 --name '"><img src=x onerror=alert(1)>' >/dev/null 2>&1
"$BATON" measure set "$ID" m1 --goal "A & B <b>fed</b>" >/dev/null 2>&1
"$BATON" journal add "$ID" --kind observation --at 2026-11-02 --text "</p><iframe src=//evil></iframe>" >/dev/null 2>&1
"$BATON" handover staff "$ID" --to laerer1 --reason "<marquee>" >/dev/null 2>&1
"$BATON" packet "$ID" --format html -o "$T/hostile.html"
if grep -qE '<script|<img|<iframe|<marquee|<b>fed' "$T/hostile.html"; then not_ok "no markup from a record survives in the HTML"; else ok; fi
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$T/hostile.html" && ok || not_ok "a <script> in a field comes out escaped"
grep -q '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "$T/hostile.html" && ok || not_ok "an \"><img onerror> comes out escaped"
grep -q 'A &amp; B &lt;b&gt;fed&lt;/b&gt;' "$T/hostile.html" && ok || not_ok "& and tags in a measure are escaped"
"$BATON" packet "$ID" --format markdown -o "$T/hostile.md"
grep -q '\\<script\\>' "$T/hostile.md" && ok || not_ok "markdown escapes markup characters too"

# ---- a consent's scope holds: "what works + strengths" and nothing else ----
S=$T/store-scope
ID=$(build "$S" da)
export BATON_STORE=$S BATON_USER=koord
"$BATON" case set "$ID" plan.challenges.home "HJEMMEUDFORDRING" >/dev/null    # a change since handover 1
"$BATON" consent add "$ID" --given-by g1 --date 2026-11-01 --scope strengths --purpose "skoleskift" >/dev/null 2>&1
run handover context "$ID" --to-context "school:Nabokommunens Skole:3.A:Nabokommune" \
    --receiver "Nina Modtager <nina@nabo.example>" --basis consent --basis-ref c1
expect_rc 0 "a transition with consent scope strengths"
for fmt in text markdown html json; do
    "$BATON" packet "$ID" --format "$fmt" >"$T/scoped.$fmt"
    grep -q "Korte beskeder og en fast plads" "$T/scoped.$fmt" && ok || not_ok "scoped $fmt: what works is there"
    grep -q "Tegner detaljeret" "$T/scoped.$fmt" && ok || not_ok "scoped $fmt: the strengths are there"
    for other in "svært, når timerne" "Træt efter skole" "Besøg den nye klasse" "Larm og overgange" "HJEMMEUDFORDRING" \
        "Billedskema" "Læse korte tekster" "Gitte Eksempelsen" "00 00 00 01" "koordinator" "opfølgning på aftaler" \
        "roligere morgener" "ny kontaktperson"; do
        if grep -q "$other" "$T/scoped.$fmt"; then not_ok "scoped $fmt holds '$other', outside the consent's scope"; else ok; fi
    done
done
grep -q "samtykke c1; delte afsnit: styrker$" "$T/scoped.text" && ok || not_ok "the basis names its scope in Danish words"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit([s["key"] for s in m["sections"]] != ["strengths"])' "$T/scoped.json"
assert "the scoped packet's model has the strengths section only" test $? -eq 0

# ---- bad input ----
expect_refused "$S" 1 "--format: 'pdf' is not one of text\|markdown\|html\|json" "an unknown format" packet "$ID" --format pdf
expect_refused "$S" 4 "case $ID has no handover 9" "an unknown handover" packet "$ID" 9
expect_refused "$S" 4 "no case with id 'nosuch'" "an unknown case" packet nosuch
expect_refused "$S" 1 "N: 'x' is not a handover number" "a bad handover number" packet "$ID" x
expect_refused "$S" 1 "-o: $T/no/such/dir/p.html" "an unwritable output path" packet "$ID" --format html -o "$T/no/such/dir/p.html"
run packet "$ID" --format html -o "$T/ok.html"
assert "-o writes the file" test -s "$T/ok.html"
assert "-o leaves no temporary file" test -z "$(ls "$T" | grep 'ok.html.tmp')"

# ---- installed under another PREFIX than it was built for, baton still finds its catalogues ----
if head -c 4 "$BATON" | grep -q ELF && [ -d "$(dirname "$BATON")/locale" ]; then
    mkdir -p "$T/prefix/bin" "$T/prefix/share"
    cp "$BATON" "$T/prefix/bin/baton"
    cp -r "$(dirname "$BATON")/locale" "$T/prefix/share/locale"
    env -u BATON_LOCALEDIR "$T/prefix/bin/baton" packet "$ID" >"$T/installed.txt" 2>"$ERR"
    assert "an installed baton renders Danish packets from PREFIX/share/locale" grep -q "^Overleveringspakke" "$T/installed.txt"
fi

finish
