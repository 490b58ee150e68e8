# Need to know: who may see and change what, the same for every front end (the library checks it,
# policy.h). A role matrix (each kind of staff member against each command: allowed or refused),
# break-the-glass, search that never shows, counts or snippets a case the reader may not read,
# restricted journal entries, and `case access`.
. "$(dirname "$0")/lib.sh"

export BATON_TODAY=2026-11-02
TPL=$T/template
"$BATON" init "$TPL" --language da --organisation "Testkommune" >/dev/null
export BATON_STORE=$TPL
add() { # add ID ROLE [INSTITUTION]
    "$BATON" staff add "$1" --name "Person ${1}" --email "$1@skole.example" --role "$2" ${3:+--institution "$3"} \
        --as koord >/dev/null 2>"$ERR" || { cat "$ERR" >&2; not_ok "staff add $1"; }
}
"$BATON" staff add koord --name "Kirsten Koordinator" --email koord@skole.example --role coordinator >/dev/null
add koord-a coordinator Egeskolen
add koord-b coordinator Bøgeskolen
add leder-a leader Egeskolen
add psyk psychologist
add psyk-b psychologist Bøgeskolen
add kontakt teacher Egeskolen
add team pedagogue Egeskolen
add laerer-a teacher Egeskolen
add laerer-b teacher Bøgeskolen
add anden other
add ny teacher Egeskolen
export BATON_USER=koord
X=$("$BATON" case new --child "Xenia Prøvebarn" --born 2017-02-03 --context school:Egeskolen:2.A --contact kontakt)
Y=$("$BATON" case new --child "Yrsa Prøvebarn" --born 2016-04-05 --context school:Bøgeskolen:3.B --contact laerer-b)
"$BATON" team add "$X" team --role pædagog >/dev/null
"$BATON" case set "$X" plan.strengths "Elsker zebrafinker og tegner dem" >/dev/null
"$BATON" case set "$Y" plan.strengths "Bygger kanariefuglebure af pinde" >/dev/null
"$BATON" guardian add "$X" --name "Mor Prøvebarn" --relation mor >/dev/null 2>&1
"$BATON" consent add "$X" --given-by g1 --scope strengths --purpose "skoleskift" >/dev/null 2>&1
"$BATON" key generate >/dev/null 2>&1
"$BATON" journal add "$X" --kind observation --text "Godt humør i dag" --as kontakt >/dev/null 2>&1
assert "the template store is set up" test -n "$X" -a -n "$Y"

# ---- the role matrix ----
# each command on case X (Egeskolen), as each kind of staff member; 0 allowed, 1 refused
cmd() { # cmd NAME: the arguments of the command called NAME
    case $1 in
    show) echo "case show $X" ;;
    log) echo "case log $X" ;;
    diff) echo "case diff $X" ;;
    journal) echo "journal list $X" ;;
    handovers) echo "handover list --case $X" ;;
    contact) echo "contact $X" ;;
    team) echo "team show $X" ;;
    packet) echo "packet $X" ;;
    access) echo "case access $X" ;;
    set) echo "case set $X plan.works_well Ro~og~faste~rammer" ;;
    note) echo "journal add $X --kind observation --text Noteret" ;;
    measure) echo "measure add $X --setting school --description Plads --goal Ro --responsible kontakt --review-by 2027-01-01" ;;
    handover) echo "handover staff $X --to ny" ;;
    transition) echo "handover context $X --to-context school:Nabo~Skole --receiver Nina~Modtager~<nina@nabo.example> --basis consent --basis-ref c1" ;;
    create) echo "case new --child Zita~Prøvebarn --born 2017-01-01 --context school:Egeskolen:1.A --contact kontakt" ;;
    staffadd) echo "staff add nyere --name Ny~Person --email nyere@skole.example --role teacher" ;;
    config) echo "config agreement_review_months 4" ;;
    keytrust) echo "key trust qfGRuk0B3c8Z3N2pfEbJ3rJKzNG1e6VYwBIEwU1G7Wk= --name Nabo" ;;
    auditlist) echo "audit list" ;;
    fsck) echo "fsck" ;;
    esac
}
WRITES=" set note measure handover transition create staffadd config keytrust "
#            show log diff journal handovers contact team packet access set note measure handover transition create staffadd config keytrust auditlist fsck
MATRIX="
koord        0    0   0    0       0         0       0    0      0      0   0    0       0        0          0      0        0      0        0         0
koord-a       0    0   0    0       0         0       0    0      0      0   0    0       0        0          0      0        0      0        0         0
koord-b       1    1   1    1       1         1       1    1      1      1   1    1       1        1          1      0        0      0        0         0
leder-a       0    0   0    0       0         0       0    0      0      1   1    1       1        0          0      0        0      0        0         0
psyk         0    0   0    0       0         0       0    0      0      1   1    1       1        1          1      1        1      1        1         1
psyk-b        1    1   1    1       1         1       1    1      1      1   1    1       1        1          1      1        1      1        1         1
kontakt      0    0   0    0       0         0       0    0      0      0   0    0       0        1          1      1        1      1        1         1
team         0    0   0    0       0         0       0    0      0      0   0    0       1        1          1      1        1      1        1         1
laerer-a      1    1   1    1       1         1       1    1      1      1   1    1       1        1          1      1        1      1        1         1
laerer-b      1    1   1    1       1         1       1    1      1      1   1    1       1        1          1      1        1      1        1         1
anden        1    1   1    1       1         1       1    1      1      1   1    1       1        1          1      1        1      1        1         1
"
NAMES="show log diff journal handovers contact team packet access set note measure handover transition create staffadd config keytrust auditlist fsck"
rows=0
cells=0
read -r -a names <<<"$NAMES"
while read -r who rest; do
    [ -z "$who" ] && continue
    rows=$((rows + 1))
    read -r -a wants <<<"$rest"
    for k in "${!names[@]}"; do
        name=${names[$k]}
        want=${wants[$k]}
        cells=$((cells + 1))
        S=$TPL
        if [ "${WRITES#* $name }" != "$WRITES" ]; then
            # every write runs on a fresh copy: one row's change is not the next row's starting point
            S=$T/w-$who-$name
            cp -a "$TPL" "$S"
        fi
        before=$(head_of "$S")
        # (~ stands for a space inside one argument)
        args=()
        for a in $(cmd "$name"); do args+=("${a//\~/ }"); done
        BATON_STORE=$S BATON_USER=$who run "${args[@]}"
        if [ "$want" = 0 ]; then
            expect_rc 0 "$who may $name"
        else
            expect_rc 1 "$who may not $name"
            expect_err "^baton: $who \\(.*\\) may not " "$who may not $name: the refusal says who and what"
            assert "$who may not $name: nothing was written" test "$(head_of "$S")" = "$before"
        fi
        [ "$S" != "$TPL" ] && rm -rf "$S"
    done
done <<EOF
$MATRIX
EOF
assert "the matrix has 11 kinds of staff and 20 commands ($rows rows, $cells cells)" test "$rows" -eq 11 -a "$cells" -eq 220

# ---- lists show only what the reader may read, and log each case they show ----
BATON_USER=laerer-b run case list
expect_out "^$Y " "a teacher's case list holds their own case"
expect_no_out "^$X " "and not the case of another school"
BATON_USER=psyk run case list
expect_out "^$X " "municipality-wide PPR reads every case"
expect_out "^$Y " "of every school"
BATON_USER=koord run audit list --staff psyk --json
assert "psyk's case list is logged for each case it showed" \
    python3 -c "import json,sys; e=json.load(open(sys.argv[1])); cs={x.get('case') for x in e if x.get('query')=='case list'}; sys.exit(not {'$X','$Y'} <= cs)" "$OUT"
BATON_USER=laerer-b run due --as-of 2027-12-01
expect_no_out "$X" "a teacher's due list holds nothing of a case they may not read"

# ---- search never returns, counts or snippets a case the reader may not read ----
for h in "" "--history"; do
    BATON_USER=laerer-b run search zebrafinker $h --json
    cp "$OUT" "$T/leak.out"
    cp "$ERR" "$T/leak.err"
    BATON_USER=laerer-b run search ordetfindesikkenogensteder $h --json
    assert "search${h:+ $h}: a query whose only hit is outside scope answers exactly as one that hits nothing" \
        sh -c "cmp -s '$T/leak.out' '$OUT' && cmp -s '$T/leak.err' '$ERR'"
    BATON_USER=laerer-b run search zebrafinker $h
    expect_no_out "$X|zebrafink|Xenia" "search${h:+ $h}: no id, name or snippet of the other case"
    BATON_USER=kontakt run search zebrafinker $h
    expect_out "^$X " "search${h:+ $h}: the contact person finds it"
done
BATON_USER=laerer-b run search "kanariefuglebure OR zebrafinker" --json
assert "an OR across scope returns only the reader's own case" \
    python3 -c "import json,sys; h=json.load(open(sys.argv[1])); sys.exit(not (h and all(x['case']=='$Y' for x in h)))" "$OUT"

# ---- break-the-glass ----
S=$T/glass
cp -a "$TPL" "$S"
export BATON_STORE=$S
expect_refused "$S" 1 "laerer-b \(teacher\) may not read case $X: .*--emergency PURPOSE" "outside scope, a read is refused" \
    case show "$X" --as laerer-b
expect_refused "$S" 1 "--emergency: say why this case must be opened now" "an emergency needs a real purpose" \
    case show "$X" --as laerer-b --emergency akut
run case show "$X" --as laerer-b --emergency "Barnet er faldet i skolegården; forældrene skal kontaktes nu"
expect_rc 0 "with an emergency purpose, any active staff member opens one case"
expect_out "Xenia Prøvebarn" "and reads it"
expect_refused "$S" 1 "laerer-b \(teacher\) may not change case" "an emergency opens a case for reading only" \
    case set "$X" plan.works_well "x" --as laerer-b --emergency "Barnet er faldet i skolegården; forældrene skal kontaktes nu"
BATON_USER=laerer-b run search zebrafinker --emergency "Barnet er faldet i skolegården; forældrene skal kontaktes nu"
expect_no_out "^$X " "an emergency does not open search across cases"
run audit review --as koord
expect_rc 0 "audit review for a coordinator"
expect_out "emergency +laerer-b +case $X .*Barnet er faldet i skolegården" "the emergency read is listed with who and why"
expect_refused "$S" 1 "kontakt \(teacher\) may not do this: only coordinators and leaders" "audit review is not for teachers" \
    audit review --as kontakt
# (the access log keeps the clock's time, not BATON_TODAY's)
run due --as kontakt --as-of "$(date -u +%F)"
expect_out "$X .*opened outside their scope in an emergency .*laerer-b: Barnet er faldet i skolegården" \
    "the contact person sees the emergency read in due"
run due --as kontakt --as-of "$(date -u -d '+31 days' +%F)"
expect_no_out "emergency" "for 30 days"

# ---- restricted journal entries ----
S=$T/restricted
cp -a "$TPL" "$S"
export BATON_STORE=$S
run journal add "$X" --kind observation --text "Bekymring: blå mærker på overarmen" --restricted --as kontakt
expect_rc 0 "the contact person writes a restricted entry"
for who in team leder-a; do
    run journal list "$X" --as "$who"
    expect_rc 0 "$who reads the journal"
    expect_out "\[restricted\]" "$who sees that a restricted entry exists"
    expect_no_out "mærker" "$who does not see its text"
    run journal list "$X" --as "$who" --json
    expect_no_out "mærker" "$who: nor in JSON"
    run search "mærker" --as "$who" --history
    expect_no_out "^$X " "$who: nor in search"
done
for who in kontakt koord-a psyk; do
    run journal list "$X" --as "$who"
    expect_out "blå mærker på overarmen" "$who reads the restricted text (author, coordinator, psychologist)"
    run search "mærker" --as "$who"
    expect_out "^$X .*journal\[j2\]" "$who finds it in search"
done
for f in text html json; do
    run packet "$X" --format "$f" --as koord
    expect_no_out "mærker" "the restricted entry is never in a packet ($f), not even for a coordinator"
done
run briefing --context Egeskolen:2.A --as koord
expect_no_out "mærker" "nor in a class briefing"
# a restricted entry's follow-up is due only for those who may read the entry: the index keeps
# both views, and its author (without the role to read others') gets the list worked out from git
run journal add "$X" --kind observation --text "Fortroligt: aftalt opfølgning" --restricted \
    --follow-up 2027-01-10 --owner kontakt --as kontakt
expect_rc 0 "a restricted entry with a follow-up"
run journal add "$X" --kind observation --text "Fortroligt fra koordinator" --restricted \
    --follow-up 2027-01-11 --owner team --as koord-a
expect_rc 0 "another one, by the coordinator, owed by the team member"
run due --all --json --as koord-a
expect_out "Fortroligt: aftalt opfølgning" "the coordinator sees the restricted follow-up in due"
run due --all --json --as team
expect_no_out "Fortroligt" "the team member does not, not even the one they owe"
run due --all --json --as kontakt
expect_out "Fortroligt: aftalt opfølgning" "the author sees their own"
# one reader of each view: their own (the author), withheld (team), with restricted entries
# (coordinator), none of the case (another school's teacher)
for who in kontakt team koord-a laerer-a; do
    expect_due_same "due as $who" --all --as "$who"
done
expect_due_same "due as kontakt, their own items" --all --staff kontakt --as kontakt
expect_due_same "due as team, their own items" --all --staff team --as team

# ---- case access ----
run case access "$X" --as koord-a
expect_rc 0 "case access"
expect_out "^kontakt .* contact person$" "case access names the contact person"
expect_out "^team .* team member \(pædagog\)$" "the team, with their role"
expect_out "^koord-a .* coordinator at Egeskolen$" "the coordinator of the case's school"
expect_out "^psyk .* psychologist municipality-wide$" "municipality-wide PPR"
expect_out "^leder-a .* leader at Egeskolen$" "the school's leader"
expect_no_out "^(koord-b|laerer-a|laerer-b|anden|psyk-b) " "and nobody else"
run case access "$X" --as laerer-a
expect_rc 1 "case access is itself a read of the case"

# ---- a handover moves the right to read; a pending receiver reads until they acknowledge ----
M=$T/move
cp -a "$TPL" "$M"
run handover staff "$X" --to ny --reason "ny klasselærer" --as kontakt --store "$M"
expect_rc 0 "the contact person hands the case over"
run case show "$X" --as ny --store "$M"
expect_rc 0 "the new contact person reads the case"
run case show "$X" --as kontakt --store "$M"
expect_rc 1 "the old contact person, no longer on the case, reads it no more"
expect_err "kontakt \(teacher\) may not read case" "and is told so"
run handover staff "$X" --to laerer-a --reason "skifter igen" --as koord-a --store "$M"
expect_rc 0 "a coordinator hands it on before the first handover is acknowledged"
run case access "$X" --as koord-a --store "$M"
expect_out "^ny .* receiver of pending handover 1$" "case access: ny reads as the receiver of the pending handover"
expect_out "^laerer-a .* contact person$" "and laerer-a as the contact person"
run case show "$X" --as ny --store "$M"
expect_rc 0 "the receiver of a pending handover reads the case"
run handover ack "$X" 1 --as ny --store "$M"
expect_rc 0 "the receiver acknowledges"
run case show "$X" --as ny --store "$M"
expect_rc 1 "once acknowledged, with the case handed on, they read it no more"
run case access "$X" --as koord-a --store "$M"
expect_no_out "^ny " "and case access no longer lists them"

# ---- staff who left can do nothing ----
BATON_USER=koord "$BATON" handover staff --from team --to laerer-a >/dev/null 2>&1
BATON_USER=koord "$BATON" staff leave team >/dev/null 2>&1
run case show "$X" --as team
expect_rc 1 "a staff member who left reads nothing"
expect_err "is no longer active" "and is told why"

rm -rf "$T"/glass "$T"/restricted "$T"/move
finish
