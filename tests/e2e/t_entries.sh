# The lists inside a case: measures, focus points (with comments), guardians with their
# communication agreement, and the team. Errors name the option that was wrong.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")

run measure add "$ID" --setting school --description "Pausekort i timerne" --goal "Kan selv bede om pause" \
    --responsible laerer1 --review-by 2027-02-01 --reason "aftalt med forældre"
expect_rc 0 "measure add"
expect_err "measure m1 added" "measure add reports the new id"
run measure add "$ID" --setting home --description "Fast aftenrutine" --goal "Bedre søvn" \
    --responsible koord --start 2026-10-01 --review-by 2027-01-01 --status planned
expect_err "measure m2 added" "second measure gets m2"
run case show "$ID" --json
expect_out '"status": "active"' "measure status defaults to active"
run measure set "$ID" m1 --status completed --outcome "Bruger kortet selv, 3-4 gange om ugen"
expect_rc 0 "measure set"
run case set "$ID" "plan.measures[m2].review_by" 2027-03-01
expect_rc 0 "case set into a measure by id"
run case show "$ID"
expect_out "\[m1\] school, completed" "show lists the measure"
expect_refused "$S" 1 "--review-by: not a date \(YYYY-MM-DD\): '2027-02-31'" "measure with a bad date names the option" \
    measure add "$ID" --setting school --description d --goal g --responsible laerer1 --review-by 2027-02-31
expect_refused "$S" 1 "--setting: 'garden' is not one of school\|leisure\|home" "measure with a bad setting" \
    measure add "$ID" --setting garden --description d --goal g --responsible laerer1 --review-by 2027-02-01
expect_refused "$S" 4 "--responsible: unknown staff member 'ghost'" "measure for unknown staff" \
    measure add "$ID" --setting school --description d --goal g --responsible ghost --review-by 2027-02-01
expect_refused "$S" 2 "--goal: required" "measure without a goal" \
    measure add "$ID" --setting school --description d --responsible laerer1 --review-by 2027-02-01
expect_refused "$S" 4 "measure m7: no such measure" "set of an unknown measure" measure set "$ID" m7 --status active
run measure remove "$ID" m2
expect_rc 0 "measure remove"
run case show "$ID" --json
expect_no_out '"id": "m2"' "the measure is gone from the current version"
run case log "$ID"
expect_out "remove measure m2" "the removal is in the history"

run focus add "$ID" --area "dansk" --text "Læse korte tekster højt" --school "Læsemakker to gange om ugen" \
    --home "Læse ti minutter hver aften" --follow-up 2027-01-20
expect_err "focus f1 added" "focus add"
run focus comment "$ID" f1 --by child --text "Jeg vil gerne læse om heste"
expect_rc 0 "focus comment by the child"
run focus comment "$ID" f1 --by guardian --text "Vi læser sammen efter aftensmad" --date 2026-11-20
expect_rc 0 "focus comment by a guardian"
run case show "$ID"
expect_out "Comment \(child, .*\): Jeg vil gerne læse om heste" "show lists comments"
expect_refused "$S" 1 "--by: 'teacher' is not one of child\|guardian\|staff" "comment by an unknown kind" \
    focus comment "$ID" f1 --by teacher --text x
expect_refused "$S" 4 "focus f9: no such focus point" "comment on an unknown focus point" \
    focus comment "$ID" f9 --by child --text x
expect_refused "$S" 1 "--follow-up: not a date" "focus with a bad date" \
    focus set "$ID" f1 --follow-up tomorrow

run guardian add "$ID" --name "Gitte Eksempelsen" --relation mor --phone "+45 11 22 33 44" \
    --email gitte@hjem.example --frequency weekly --channel aula,phone --topics both --detail brief --agreed-on 2026-11-01
expect_rc 0 "guardian add with agreement"
run guardian add "$ID" --name "Gorm Eksempelsen" --relation far
expect_err "guardian g2 added" "guardian without agreement"
run guardian set "$ID" g2 --frequency monthly --channel email --channel meeting --topics progress --detail detailed \
    --agreed-on 2026-11-15
expect_rc 0 "guardian set adds an agreement"
run case show "$ID" --json
expect_out '"meeting"' "repeated --channel makes a list"
expect_refused "$S" 1 "--channel: 'pigeon' is not one of aula\|email\|phone\|meeting\|sms\|other" \
    "unknown channel names the option" guardian set "$ID" g1 --channel pigeon
expect_refused "$S" 1 "--frequency: 'daily' is not one of" "unknown frequency" guardian set "$ID" g1 --frequency daily
expect_refused "$S" 1 "--detail: required" "an agreement needs every field" \
    guardian add "$ID" --name "Ny" --relation bedstemor --frequency weekly --channel aula --topics both --agreed-on 2026-11-01
expect_refused "$S" 1 "--email: 'gitte' is not an e-mail address" "bad guardian e-mail" \
    guardian set "$ID" g1 --email gitte
expect_refused "$S" 1 "--phone: 'call me' is not a phone number" "bad guardian phone" \
    guardian set "$ID" g1 --phone "call me"
run guardian remove "$ID" g2
expect_rc 0 "guardian remove"

run team add "$ID" koord --role "koordinator" --responsible-for "følger op på aftaler" \
    --responsible-for "overlevering ved skift"
expect_rc 0 "team add"
run team show "$ID"
expect_out "^Parents contact: +laerer1 \(Lærke Lærer\), contact person since" "team show: whom the parents contact"
expect_out "^  koord \(Kirsten Koordinator\) - koordinator" "team show: who does what"
expect_out "- overlevering ved skift" "team show lists responsibilities"
expect_out "^Follows up on agreements: +laerer1 .*the contact person, as nobody else is named" \
    "team show: follow-up falls to the contact person when nobody is named"
run team set "$ID" koord --follows-up yes --hands-over yes
expect_rc 0 "team set: duties"
run team show "$ID"
expect_out "^Follows up on agreements: +koord \(Kirsten Koordinator\)$" "team show: who follows up on agreements"
expect_out "^Hands knowledge over: +koord \(Kirsten Koordinator\)$" "team show: who hands knowledge over"
run team show "$ID" --json
expect_out '"follows_up": \[' "team show --json lists who follows up"
expect_refused "$S" 1 "--follows-up: 'maybe' is not true or false" "a duty flag must be yes or no" \
    team set "$ID" koord --follows-up maybe
expect_refused "$S" 1 "team\[koord\]: already there" "adding a member twice" team add "$ID" koord --role x
expect_refused "$S" 4 "unknown staff member 'ghost'" "team member must be staff" team add "$ID" ghost --role x
run team remove "$ID" koord
expect_rc 0 "team remove"
run case show "$ID" --json
expect_no_out '"team"' "an emptied list leaves no empty array"
expect_refused "$S" 4 "team koord: no such team" "removing a non-member" team remove "$ID" koord
expect_refused "$S" 4 "no case with id 'nosuch'" "entry on an unknown case" \
    measure add nosuch --setting school --description d --goal g --responsible laerer1 --review-by 2027-02-01

# each option's help says what it takes, from the validator's tables
run measure add --help
expect_out "^  --review-by +a date, YYYY-MM-DD; required$" "measure add --help: a date, and required"
expect_out "^  --setting +school \| leisure \| home; required$" "measure add --help: the allowed values"
run guardian set --help
expect_out "^  --frequency +weekly \| fortnightly \| monthly \| on_news$" "guardian set --help: the allowed values, not required"

finish
