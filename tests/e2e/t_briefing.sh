# Onboarding a new class teacher: join the class, one briefing for all its children with a plan,
# acknowledge them all at once; exact class matching; leaving; bad input.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add ny --name "Nora Ny" --email ny@skole.example --role teacher >/dev/null
"$BATON" staff add anden --name "Anders Anden" --email anden@skole.example --role teacher >/dev/null
mk() { "$BATON" case new --child "$1" --born 2017-05-06 --context "$2" --contact laerer1; }
A=$(mk "Alma Klassen" "school:Testskolen:2.B:Testkommune")
B=$(mk "Bertil Klassen" "school:Testskolen:2.B:Testkommune")
C=$(mk "Cecilie Klassen" "school:Testskolen:2.B:Testkommune")
D=$(mk "Dagmar Klassen" "school:Testskolen:2.B:Testkommune")
E=$(mk "Emil Udenplan" "school:Testskolen:2.B:Testkommune")      # the plan has ended
X=$(mk "Xenia Nabo" "school:Testskolen:2.BX:Testkommune")        # a similar group name
Y=$(mk "Yrsa Anden" "school:Andenskolen:2.B:Testkommune")        # the same group at another school
"$BATON" case set "$E" status closed >/dev/null
{
    "$BATON" case set "$A" plan.strengths "Tegner <b>fedt</b> & detaljeret"
    "$BATON" case set "$A" plan.works_well "Korte beskeder og en fast plads"
    "$BATON" case set "$A" plan.needs_predictability true
    "$BATON" case set "$A" plan.transition_notes "Forbered skift med billeder"
    "$BATON" measure add "$A" --setting school --description "Billedskema ved morgenstart" --goal "Ser dagens plan" \
        --responsible laerer1 --review-by 2027-01-10
    "$BATON" measure add "$A" --setting home --description "HJEMMEINDSATS aftenrutine" --goal "Ro" \
        --responsible koord --review-by 2026-12-01
    "$BATON" focus add "$A" --area dansk --text "Læse korte tekster højt"
    "$BATON" guardian add "$A" --name "Gitte Klassen" --relation mor --frequency weekly --channel aula \
        --topics both --detail brief --agreed-on 2026-10-01
    "$BATON" journal add "$A" --kind status_update --at 2026-10-20 --text "NYLIGSTATUS godt i gang"
    "$BATON" journal add "$A" --kind status_update --at 2026-09-01 --text "GAMMELSTATUS sommerferie"
    "$BATON" journal add "$A" --kind decision --at 2026-10-21 --text "OPFØLGNINGNY læsemakker" \
        --follow-up 2026-11-20 --owner ny
    "$BATON" journal add "$A" --kind decision --at 2026-10-21 --text "OPFØLGNINGANDEN pauser" \
        --follow-up 2026-11-20 --owner laerer1
} >/dev/null 2>&1

# ---- join ----
BEFORE=$(git --git-dir "$S/repo.git" rev-list --count main)
run team join --context Testskolen:2.B ny --role klasselærer --responsible-for "daglig kontakt"
expect_rc 0 "team join"
assert "join is one commit" test "$(git --git-dir "$S/repo.git" rev-list --count main)" -eq $((BEFORE + 1))
for c in $A $B $C $D; do
    grep -q "^$c onboarding handover 1$" "$OUT" && ok || not_ok "case $c got an onboarding handover"
done
for c in $A $B $C $D; do
    run team show "$c" --json
    expect_out '"staff": "ny"' "the new teacher is on the team of $c"
    run case show "$c" --json
    expect_out '"staff": "laerer1"' "the contact person of $c did not change"
done
for c in $E $X $Y; do
    run team show "$c" --json
    expect_no_out '"staff": "ny"' "case $c outside the class (or without an active plan) is unaffected"
done
run due --json
python3 - "$OUT" "$A" "$B" "$C" "$D" <<'PY'
import json, sys
items = [i for i in json.load(open(sys.argv[1])) if i["kind"] == "onboarding_ack"]
sys.exit(sorted(i["case"] for i in items) != sorted(sys.argv[2:]) or any(i["owner"] != "ny" for i in items))
PY
assert "due shows 4 pending onboarding acknowledgements, owed by the new teacher" test $? -eq 0
run team join --context Testskolen:2.B ny --role klasselærer
expect_rc 1 "joining twice is refused"
expect_err "already on the team, or the contact person, of every case in Testskolen 2.B" "and says why"

# ---- the briefing ----
run briefing --context Testskolen:2.B --for ny
expect_rc 0 "briefing"
for n in "Alma Klassen" "Bertil Klassen" "Cecilie Klassen" "Dagmar Klassen"; do
    expect_out "$n" "the briefing has $n"
done
for n in "Emil Udenplan" "Xenia Nabo" "Yrsa Anden"; do
    expect_no_out "$n" "the briefing never shows $n"
done
expect_out "^Alma Klassen +ja +Lærke Lærer +2026-12-01" "the overview: predictability, contact person, next review"
expect_out "Billedskema ved morgenstart" "active measures at school are there"
expect_no_out "HJEMMEINDSATS" "measures at home are not (the page shows school)"
expect_out "NYLIGSTATUS" "status updates of the last 30 days are there"
expect_no_out "GAMMELSTATUS" "older status updates are not"
expect_out "OPFØLGNINGNY" "the follow-ups the new teacher owns are there"
expect_no_out "OPFØLGNINGANDEN" "other people's follow-ups are not, with --for"
expect_out "Gitte Klassen \(mor\)" "whom the parents talk to"
expect_out "Sådan vil de høre fra skolen: hver uge; Aula" "how they want to hear from the school"
# (the test store is Danish: its headings come from po/da.po)
awk '/Det, der virker, og barnets styrker/{a=NR} /Forudsigelighed og overgang/{b=NR} /Aktive indsatser i skolen/{c=NR} /^Fokuspunkter/{d=NR} /Forældrene og skolen/{e=NR} /^Åbne opfølgninger/{f=NR} /Statusopdateringer de seneste 30 dage/{g=NR; exit} END{exit !(a && a<b && b<c && c<d && d<e && e<f && f<g)}' "$OUT"
assert "each page comes in the briefing's order, what works first" test $? -eq 0
run briefing --context Testskolen:2.B
expect_out "OPFØLGNINGANDEN" "without --for, every open follow-up is shown"
run briefing --context Testskolen:2.B --for anden
expect_no_out "Alma Klassen" "--for someone on no team shows no child"
expect_out "Ingen børn med en støtteplan i klassen" "and says so"
run briefing --context Testskolen
expect_out "Xenia Nabo" "a whole school, without a group, includes every group"
expect_no_out "Yrsa Anden" "but not another school"
run briefing --context Testskolen:2.B --format html -o "$T/briefing.html"
expect_rc 0 "briefing as HTML"
assert "one page per child, each starting a new page" test "$(grep -c '<section class="page">' "$T/briefing.html")" -eq 4
grep -q "@page{size:A4" "$T/briefing.html" && ok || not_ok "the briefing HTML is set up for A4"
if grep -qE 'src=|href=|<b>fedt' "$T/briefing.html"; then not_ok "the briefing HTML is self-contained and escaped"; else ok; fi
grep -q 'Tegner &lt;b&gt;fedt&lt;/b&gt; &amp; detaljeret' "$T/briefing.html" && ok || not_ok "values are escaped in the briefing"
run briefing --context Testskolen:2.B --format markdown
expect_out "^\| Barn \| Har brug for forudsigelighed \| Kontaktperson \| Næste evaluering \|" "the markdown overview is a table"
for lang in en sv; do
    L=$T/store-$lang
    "$BATON" init "$L" --language "$lang" >/dev/null
    BATON_STORE=$L env -u BATON_USER "$BATON" staff add koord --name K --email k@x.example --role coordinator >/dev/null
    BATON_STORE=$L "$BATON" case new --child "Sprog Barn" --born 2017-01-01 --context school:S:1 --contact koord >/dev/null
    BATON_STORE=$L run briefing --context S:1
    [ "$lang" = en ] && expect_out "^Class briefing: S 1" "English briefing headings"
    [ "$lang" = sv ] && expect_out "^Klassöversikt: S 1" "Swedish briefing headings"
done
export BATON_STORE=$S

# ---- acknowledgement ----
expect_refused "$S" 1 "'anden' has no pending onboarding handover in Testskolen 2.B" "briefing ack with nothing pending" \
    briefing ack --context Testskolen:2.B --as anden
run briefing ack --context Testskolen:2.B --as ny
expect_rc 0 "briefing ack"
assert "all four acknowledged" test "$(grep -c ' handover 1$' "$OUT")" -eq 4
run due --json
expect_no_out '"onboarding_ack"' "briefing ack clears all four"
run handover show "$A" 1 --json
expect_out '"by": "ny"' "each onboarding records who acknowledged"

# ---- leave ----
run team join --context Testskolen:2.B anden --role støttelærer
run handover staff "$B" --to anden
expect_refused "$S" 1 "'anden' is the contact person of case\(s\) $B in Testskolen 2.B: hand them over first" \
    "leaving a class where one is the contact person" team leave --context Testskolen:2.B anden
run team leave --context Testskolen:2.B ny
expect_rc 0 "team leave"
for c in $A $B $C $D; do
    run team show "$c" --json
    expect_no_out '"staff": "ny"' "ny left the team of $c"
done
run handover ack "$B" 2 --as anden
run due --json
expect_no_out '"owner": "ny"' "nothing is owed by someone who left the class"

# ---- bad input ----
expect_refused "$S" 2 "--role: required" "join without a role" team join --context Testskolen:2.B ny
expect_refused "$S" 2 "--context: required" "join without a class" team join ny --role x
expect_refused "$S" 4 "STAFF: unknown staff member 'ghost'" "join as unknown staff" \
    team join --context Testskolen:2.B ghost --role x
expect_refused "$S" 4 "--context: no active case in Testskolen 9.Z" "join a class without cases" \
    team join --context Testskolen:9.Z ny --role x
expect_refused "$S" 1 "--context: 'Testskolen:' is not INSTITUTION\[:GROUP\]" "a malformed class" \
    team join --context Testskolen: ny --role x
expect_refused "$S" 1 "--format: 'pdf' is not one of" "briefing in an unknown format" briefing --context Testskolen:2.B --format pdf
expect_refused "$S" 4 "--for: unknown staff member 'ghost'" "briefing for unknown staff" briefing --context Testskolen:2.B --for ghost

# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_briefing" --all
expect_due_same "due at the end of t_briefing, as of a day long ago" --as-of 2020-01-01
finish
