# baton serve beyond reading: the whole case page (24-hour view, who does what, guardians, who may
# read it), the print-ready packet and class briefing served as the library renders them (their
# inline print style allowed by its hash alone), the forms that add to a case (journal, measure,
# focus point, handover to a colleague), a class teacher's join and acknowledgement, and the
# person's own password. Every refused form comes back with what was typed and the library's words.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma <i>Eksempel</i>")
"$BATON" case set "$A" plan.works_well "Faste makkere ved overgange" >/dev/null
"$BATON" case set "$A" plan.challenges.leisure "Larm i klubben om eftermiddagen" >/dev/null
"$BATON" measure add "$A" --setting leisure --description "Høretelefoner i klubben" --goal "Bliver til kl. 16" \
    --responsible laerer1 --review-by 2027-03-01 >/dev/null 2>&1
"$BATON" guardian add "$A" --name "Mor Eksempel" --relation mother >/dev/null 2>&1
"$BATON" team add "$A" laerer1 --role "klasselærer" --responsible-for "dansk" >/dev/null 2>&1
"$BATON" journal add "$A" --kind contact --text "Ring tilbage om turen" --follow-up 2026-11-02 --owner laerer1 >/dev/null 2>&1
MATE=$(new_case "$S" "Bent Klassekammerat")
OTHER=$("$BATON" case new --child "Bo Andensted" --born 2016-01-02 --context school:Andenskolen:3.A:Testkommune \
    --contact koord)
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null
printf 'korrekt hest batteri\n' | "$BATON" staff passwd laerer1 >/dev/null
printf 'koordinatorens kodeord\n' | "$BATON" staff passwd koord >/dev/null
printf 'den nye lærers kodeord\n' | "$BATON" staff passwd laerer2 >/dev/null
unset BATON_USER
serve_start || not_ok "baton serve listens"
SERVER=$SERVED

python3 - "$PORT" "$A" "$OTHER" "$MATE" >"$T/web.out" 2>&1 <<'PY'
import base64, hashlib, re, sys
from webclient import CSP, Web, check, form_fields, header, said
port, case_a, other, mate = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
web = Web(port)
tok = web.login("laerer1", "korrekt hest batteri")
check("laerer1 logs in", tok is not None)

# the case page: the whole plan, the people, the forms
s, _, d = web.get("/case/" + case_a, tok)
check("the case page answers", s == 200)
day = d[d.index('id="day"'):d.index("</section>", d.index('id="day"'))] if 'id="day"' in d else ""
check("the 24-hour view holds the leisure challenge and its measure side by side",
      "Larm i klubben om eftermiddagen" in day and "Høretelefoner i klubben" in day and "I fritiden" in day)
check("who does what: the contact person and the team member with their responsibility, by name",
      'id="team"' in d and "Lærke Lærer" in d and "klasselærer" in d and "dansk" in d)
check("the guardians, and that no communication agreement is made yet",
      "Mor Eksempel" in d and "Endnu ingen aftale om kommunikation." in d)
check("who may read the case now, with the rule in Danish", 'id="access"' in d and "Kirsten Koordinator" in d and "koordinator i hele kommunen" in d and "kontaktperson" in d)
for suffix in ("/journal", "/measure", "/focus", "/handover", "/packet"):
    check(f"the case page links to {suffix}", f'href="/case/{case_a}{suffix}"' in d)
check("the child's name is escaped", "Alma &lt;i&gt;Eksempel&lt;/i&gt;" in d)

# a follow-up that is due is closed from the overview, with a note of what was done
s, _, d = web.get("/", tok)
check("the overview offers the due follow-up a 'done' form", form_fields(d, f"/case/{case_a}/followup") is not None)
s, _, d = web.submit("/", f"/case/{case_a}/followup", {"note": "Ringede i dag"}, tok)
check(f"closing it: 303 ({s} {said(d)})", s == 303)
s, _, d = web.get("/", tok)
check("the follow-up is no longer due", f"/case/{case_a}/followup" not in d)
s, _, d = web.post(f"/case/{case_a}/followup", {"csrf": form_fields(web.get("/", tok)[2], "/logout")["csrf"], "entry": "j999"}, tok)
check(f"closing a follow-up of no such entry: 404, said ({said(d)})", s == 404 and said(d))

# the journal form: kept and said when refused, saved as the person when right
s, _, d = web.get(f"/case/{case_a}/journal", tok)
check("the journal form answers", s == 200 and 'name="kind"' in d and 'name="text"' in d)
s, _, d = web.submit(f"/case/{case_a}/journal", f"/case/{case_a}/journal",
                     {"kind": "contact", "text": "Talte med mor\r\nom <morgenen>", "follow_up": "2027-02-01"}, tok)
check("a follow-up without its owner: 400, the field named, the text kept",
      s == 400 and said(d) and "owner" in d and "om &lt;morgenen&gt;</textarea>" in d)
s, h, _ = web.submit(f"/case/{case_a}/journal", f"/case/{case_a}/journal",
                     {"kind": "contact", "channel": "phone", "text": "Talte med mor\r\nom <morgenen>",
                      "follow_up": "2027-02-01", "owner": "laerer1"}, tok)
check("a journal entry: 303 to the case", s == 303 and header(h, "location") == ["/case/" + case_a])
s, _, d = web.get("/case/" + case_a, tok)
check("the entry is in the journal, escaped, its line ends as typed", "Talte med mor\nom &lt;morgenen&gt;" in d)
s, _, d = web.post(f"/case/{case_a}/journal", {"kind": "contact", "text": "uden token"}, tok)
check("a journal form without its token: 403", s == 403)

# a measure: a bad date is said and the rest kept; a good one lands in the 24-hour view
s, _, d = web.submit(f"/case/{case_a}/measure", f"/case/{case_a}/measure",
                     {"setting": "home", "description": "Billedskema til morgenen", "goal": "Klar kl. 7.45",
                      "responsible": "laerer1", "review_by": "2027-02-30"}, tok)
check("a measure with no such date: 400, the field named, the text kept",
      s == 400 and "review_by" in d and "Billedskema til morgenen</textarea>" in d)
s, _, _ = web.submit(f"/case/{case_a}/measure", f"/case/{case_a}/measure",
                     {"setting": "home", "description": "Billedskema til morgenen", "goal": "Klar kl. 7.45",
                      "responsible": "laerer1", "review_by": "2027-02-28"}, tok)
check("a measure: 303", s == 303)
s, _, d = web.get("/case/" + case_a, tok)
day = d[d.index('id="day"'):d.index("</section>", d.index('id="day"'))]
check("the new measure is in the 24-hour view", "Billedskema til morgenen" in day)
s, _, _ = web.submit(f"/case/{case_a}/focus", f"/case/{case_a}/focus",
                     {"area": "Sprog", "text": "Ordforråd i hverdagen", "support_home": "Højtlæsning"}, tok)
check("a focus point: 303", s == 303)
s, _, d = web.get("/case/" + case_a, tok)
check("the focus point is on the case page", "Ordforråd i hverdagen" in d and "Højtlæsning" in d)

# a guardian with the communication agreement: several channels ticked arrive as one list; an
# agreement given in part is refused, naming what it lacks
s, _, d = web.get(f"/case/{case_a}/guardian", tok)
check("the guardian form has a checkbox per channel, grouped under a legend",
      s == 200 and d.count('name="agreement.channels"') == 6 and "<legend>" in d)
far = {"name": "Far Eksempel", "relation": "far", "agreement.frequency": "weekly", "agreement.topics": "both",
       "agreement.detail": "brief", "agreement.agreed_on": "2026-11-02"}
s, _, d = web.submit(f"/case/{case_a}/guardian", f"/case/{case_a}/guardian", far, tok)
check(f"an agreement without its channels: 400, named ({said(d)}), the rest kept",
      s == 400 and "channels" in said(d) and 'value="Far Eksempel"' in d)
s, _, d = web.get(f"/case/{case_a}/guardian", tok)
fields = form_fields(d, f"/case/{case_a}/guardian")
fields.update(far)
body = "&".join(f"{k}={__import__('urllib.parse').parse.quote(v)}" for k, v in fields.items())
body += "&agreement.channels=aula&agreement.channels=phone"
s, _, d = web.req("POST", f"/case/{case_a}/guardian", raw_body=body, cookies={"baton_session": tok})
check(f"a guardian with an agreement, two channels ticked: 303 ({s} {said(d)})", s == 303)
s, _, d = web.get("/case/" + case_a, tok)
check("the agreement is on the case page, both channels in Danish", "Far Eksempel" in d and "Aula, telefon" in d.replace("aula", "Aula"))

# search with filters: only the journal, only the plan, only the reader's own cases, a bad date said
s, _, d = web.get("/search?q=Talte&field=journal", tok)
check("search in the journal only finds the journal entry", s == 200 and "<mark>Talte</mark>" in d and "journal[" in d)
s, _, d = web.get("/search?q=Talte&field=plan", tok)
check("the same words in the plan only: nothing", s == 200 and "<mark>" not in d)
s, _, d = web.get("/search?q=makkere&mine=1", tok)
check("only the cases I am the contact person of", s == 200 and "/case/" + case_a in d)
s, _, d = web.get("/search?q=makkere&since=2026-02-31", tok)
check(f"a since that is no date: 400, named ({said(d)})", s == 400 and "since" in said(d))
s, _, d = web.get("/search?q=makkere&until=2000-01-01", tok)
check("until a day before any text existed: nothing", s == 200 and "<mark>" not in d)

# the packet, as printed: the library's bytes, its style allowed by hash and nothing else inline
s, h, d = web.get(f"/case/{case_a}/packet", tok)
check("the packet answers, in Danish", s == 200 and 'lang="da"' in d and "Side" in d)
csp = header(h, "content-security-policy")
style = re.search(r"<style>(.*?)</style>", d, re.S)
want = "'sha256-" + base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode() + "'" if style else ""
check("the packet's CSP allows its own style by its hash, and nothing else",
      len(csp) == 1 and ("style-src " + want + ";") in csp[0] and "default-src 'none'" in csp[0]
      and "unsafe-inline" not in csp[0] and "script" not in csp[0])
sha = d.find('<p class="sha">')
check("the packet ends with the sha256 of everything before that line",
      sha > 0 and hashlib.sha256(d[:sha].encode()).hexdigest() in d[sha:])
check("the packet escapes the child's name", "Alma &lt;i&gt;Eksempel&lt;/i&gt;" in d)
s, _, d = web.req("GET", f"/case/{case_a}/packet", cookies={"baton_session": tok}, lang="sv")
check("a Swedish reader gets the packet in Swedish", 'lang="sv"' in d)
s, _, _ = web.get(f"/case/{case_a}/packet?number=x", tok)
check("a packet number that is no number: 400", s == 400)
s, _, _ = web.get(f"/case/{other}/packet", tok)
check("the packet of a case outside the reader's scope: 403", s == 403)

# handing the case to a colleague: a receiver that does not exist is said; laerer2 gets it
s, _, d = web.submit(f"/case/{case_a}/handover", f"/case/{case_a}/handover", {"to": "nobody", "reason": "orlov"}, tok)
check("a handover to no such person: refused in words, the reason kept",
      400 <= s < 500 and said(d) and 'value="orlov"' in d)
s, _, _ = web.submit(f"/case/{case_a}/handover", f"/case/{case_a}/handover", {"to": "laerer2", "reason": "orlov"}, tok)
check("the handover: 303", s == 303)
new = web.login("laerer2", "den nye lærers kodeord")
s, _, d = web.get("/", new)
check("the colleague's overview has it waiting for acknowledgement", f"/case/{case_a}/ack" in d)
s, _, d = web.get(f"/case/{case_a}/journal", tok)
check("forms of other cases stay closed to the reader: 403 for another school's case",
      web.get(f"/case/{other}/journal", tok)[0] == 403)

# the handover's checklist: a date that is no date is refused and said; a right one is ticked
s, _, d = web.get("/case/" + case_a, tok)
check("each handover links to its checklist", f'/case/{case_a}/checklist?number=1' in d)
s, _, d = web.submit(f"/case/{case_a}/checklist?number=1", f"/case/{case_a}/checklist?number=1",
                     {"meeting_held": "i går"}, tok)
check(f"a checklist date that is no date: 400, said ({said(d)})", s == 400 and said(d))
s, _, _ = web.submit(f"/case/{case_a}/checklist?number=1", f"/case/{case_a}/checklist?number=1",
                     {"meeting_held": "2026-11-20", "note": "Holdt på skolen"}, tok)
check("the checklist ticked: 303", s == 303)
s, _, _ = web.get(f"/case/{case_a}/checklist?number=abc", tok)
check("a checklist of no handover number: 400", s == 400)
# a move to another context is a coordinator's: a teacher is refused in words, a coordinator's
# move to a school outside the organisation without a basis is refused naming it
s, _, d = web.get(f"/case/{mate}/transition", tok)
check(f"a teacher gets no form to move a case: 403, said ({said(d)})", s == 403 and said(d))
csrf = form_fields(web.get("/", tok)[2], "/logout")["csrf"]
s, _, d = web.post(f"/case/{mate}/transition", {"csrf": csrf, "to_context": "school:Naboskolen:3.A:Nabo Kommune",
                                                 "to_staff": "laerer2"}, tok)
check(f"and a move sent all the same is refused: 403 ({s}: {said(d)})", s == 403 and said(d))

# a class: the children with a plan, the briefing, joining the teams, acknowledging
koord = web.login("koord", "koordinatorens kodeord")
s, _, d = web.get("/class?context=Testskolen:2.B", koord)
check("the class page lists the class's children", s == 200 and "/case/" + case_a in d and "/case/" + mate in d)
s, h, d = web.get("/class/briefing?context=Testskolen:2.B", koord)
check("the class briefing, print-ready, with its style allowed by hash", s == 200 and "@page" in d
      and "'sha256-" in header(h, "content-security-policy")[0])
s, _, d = web.submit("/class?context=Testskolen:2.B", "/class/join?context=Testskolen:2.B",
                     {"staff": "laerer2", "role": "støttelærer"}, koord)
check(f"a coordinator joins laerer2 to the teams of the whole class: 303 ({s} {re.findall(r'class=.error.[^>]*>([^<]*)', d)})", s == 303)
s, _, d = web.get("/case/" + mate, new)
check("laerer2 is on the team of the classmate's case now", s == 200 and "støttelærer" in d)
s, _, d = web.submit("/class?context=Andenskolen:3.A", "/class/join?context=Andenskolen:3.A",
                     {"staff": "laerer2", "role": "x"}, tok)
check(f"a teacher may not join anyone to another school's class: 403 ({s}: {said(d)})", s == 403 and said(d))
s, _, _ = web.get("/class?context=", koord)
check("a class without a name: 400", s == 400)
s, _, d = web.submit("/class?context=Testskolen:2.B", "/class/ack?context=Testskolen:2.B", {}, new)
check(f"laerer2 acknowledges the briefing: 303 ({s} {re.findall(r'class=.error.[^>]*>([^<]*)', d)})", s == 303)

# the access log, for coordinators: entries, the chain verified on request, the emergency review,
# and a family's access request with or without the staff's names
s, _, d = web.get("/audit?case=" + case_a, koord)
check("the access log page lists the reads of the case, by name", s == 200 and "Lærke Lærer" in d and case_a in d)
s, _, d = web.get("/audit?verify=1", koord)
check(f"verified on request: the chain holds ({s} {said(d)})", s == 200 and "Adgangsloggen holder" in d)
s, _, d = web.get("/audit?since=2026-02-31", koord)
check(f"a date that is no date: 400, the field named ({said(d)})", s == 400 and "since" in said(d))
s, _, d = web.get("/audit/review", koord)
check(f"the emergency access review answers ({s} {said(d)})", s == 200 and "Gennemgang af nødadgang" in d)
s, _, d = web.get("/audit/export?case=" + case_a, koord)
check("a family's access request: what was done, without the staff", s == 200 and "<td>" in d and "Lærke Lærer" not in d)
s, _, d = web.get("/audit/export?staff=1&case=" + case_a, koord)
check("and with the staff, when asked for", s == 200 and "Lærke Lærer" in d)
for path in ("/audit", "/audit/review", "/audit/export?case=" + case_a):
    check(f"a teacher may not read {path}: 403", web.get(path, tok)[0] == 403)

# a coordinator's context transition: outside the organisation it needs a basis, named when missing
s, _, d = web.submit(f"/case/{mate}/transition", f"/case/{mate}/transition",
                     {"to_context": "school:Naboskolen:3.A:Nabo Kommune", "receiver": "Nina Modtager <nina@nabo.example>"}, koord)
check(f"a move outside without a basis: 400, the basis named ({said(d)}), the receiver kept",
      s == 400 and "basis" in said(d) and "nina@nabo.example" in d)
s, _, d = web.get(f"/case/{mate}/transition", koord)
fields = form_fields(d, f"/case/{mate}/transition")
fields.update({"to_context": "school:Naboskolen:3.A:Nabo Kommune", "receiver": "Nina Modtager <nina@nabo.example>",
               "basis": "statutory", "basis_ref": "oplysningspligt (syntetisk henvisning)"})
body = "&".join(f"{k}={__import__('urllib.parse').parse.quote(v)}" for k, v in fields.items())
body += "&scope=strengths&scope=measures"
s, _, d = web.req("POST", f"/case/{mate}/transition", raw_body=body, cookies={"baton_session": koord})
check(f"the move with a statutory basis and a scope of two sections: 303 ({s} {said(d)})", s == 303)

# a coordinator adds a colleague; a taken id is refused and the form kept
new_staff = {"id": "paedagog1", "name": "Pia Pædagog", "email": "pia@skole.example", "role": "pedagogue"}
s, _, _ = web.submit("/staff", "/staff/new", new_staff, koord)
check("a new colleague: 303", s == 303)
s, _, d = web.get("/staff", koord)
check("the new colleague is in the directory", "Pia Pædagog" in d)
s, _, d = web.submit("/staff", "/staff/new", new_staff, koord)
check(f"the same id again: refused (409), said ({said(d)}), the form kept", s == 409 and said(d) and 'value="Pia Pædagog"' in d)
s, _, d = web.submit("/staff", "/staff/new", dict(new_staff, id="paedagog2", role="wizard"), koord)
check(f"a role there is not: 400, named ({said(d)})", s == 400 and "role" in said(d))
# with the single sign-on id a login names them by; one person each
s, _, _ = web.submit("/staff", "/staff/new", dict(new_staff, id="paedagog3", email="p3@skole.example",
                                                 sso_id="uni:paedagog3"), koord)
check("a new colleague with a single sign-on id: 303", s == 303)
import json, os, subprocess
rec = json.loads(subprocess.run([os.environ["BATON"], "staff", "show", "paedagog3", "--json"], capture_output=True,
                                text=True, env=dict(os.environ, BATON_USER="koord")).stdout or "{}")
check(f"the staff record keeps it ({rec.get('sso_id')})", rec.get("sso_id") == "uni:paedagog3")
s, _, d = web.submit("/staff", "/staff/new", dict(new_staff, id="paedagog4", email="p4@skole.example",
                                                 sso_id="uni:paedagog3"), koord)
check(f"the same single sign-on id for another: refused (409), said ({said(d)})", s == 409 and "paedagog3" in said(d))
s, _, _ = web.post("/staff/new", dict(new_staff, id="x2", csrf=form_fields(web.get("/", tok)[2], "/logout")["csrf"]), tok)
check("a teacher may not add staff: 403", s == 403)

# the person's own password
s, _, d = web.submit("/password", "/password", {"current": "forkert", "password": "et nyt langt kodeord",
                                                 "again": "et nyt langt kodeord"}, tok)
check("a password change with the wrong current one: 403", s == 403 and said(d))
s, _, d = web.submit("/password", "/password", {"current": "korrekt hest batteri", "password": "et nyt langt kodeord",
                                                 "again": "et andet langt kodeord"}, tok)
check("two new passwords that differ: 400, said", s == 400 and "again" in d)
s, _, d = web.submit("/password", "/password", {"current": "korrekt hest batteri", "password": "kort",
                                                 "again": "kort"}, tok)
check("a password too short: 400, the field named", s == 400 and "password" in d)
s, _, _ = web.submit("/password", "/password", {"current": "korrekt hest batteri", "password": "et nyt langt kodeord",
                                                 "again": "et nyt langt kodeord"}, tok)
check("the password changes: 303", s == 303)
check("the old password no longer logs in", web.login("laerer1", "korrekt hest batteri") is None)
check("the new one does", web.login("laerer1", "et nyt langt kodeord") is not None)
print("end of the web form checks")
PY
while read -r verdict what; do
    case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
done <"$T/web.out"
assert "the web checks ran to the end" grep -q "^end of the web form checks" "$T/web.out"
grep -v "^ok " "$T/web.out" | head -20 >&2

# what the forms wrote is in the store, each as its person's commit
BATON_USER=koord run journal list "$A"
expect_out "Talte med mor" "the journal entry is in the store"
BATON_USER=koord run handover list --case "$A" --json
expect_out '"laerer2"' "the handover to laerer2 is in the store"
assert "the measure was saved by laerer1" sh -c "git --git-dir '$S/repo.git' log --format='%an %s' | grep -q 'Lærke Lærer.*add measure on the web'"
BATON_USER=koord run audit list --staff laerer1
expect_out "packet +laerer1 +.*$A|read +laerer1 +.*$A" "the access log has laerer1's reads"
kill -TERM "$SERVER"
wait_deadline 20 "$SERVER"
assert "SIGTERM stops the server cleanly (exit $WAITED_RC)" test "$WAITED_RC" -eq 0
finish
