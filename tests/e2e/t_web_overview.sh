# The overview's due list, a page at a time: the 25 most urgent first, then ?due=25 for the next;
# together the pages are the person's whole due list in its order, each item once; a page that is
# not one is refused, and a page past the end is not found.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
# two cases whose contact person is the coordinator, and one that is a teacher's
A=$("$BATON" case new --child "Asta Sidetal" --born 2016-02-03 --context school:Testskolen:2.B:Testkommune --contact koord)
B=$("$BATON" case new --child "Bjørn Sidetal" --born 2016-04-05 --context school:Testskolen:3.A:Testkommune --contact koord)
C=$(new_case "$S" "Cecilie Andenlærer")
# 32 follow-ups owed by the coordinator, on different days, all overdue
for i in $(seq 1 16); do
    d=$(printf '2026-10-%02d' "$i")
    "$BATON" journal add "$A" --kind meeting --text "Møde $i" --at 2026-09-01 --follow-up "$d" --owner koord >/dev/null 2>&1
    "$BATON" journal add "$B" --kind contact --text "Opkald $i" --at 2026-09-01 --follow-up "$d" --owner koord >/dev/null 2>&1
done
run due --staff koord --json
expect_rc 0 "the coordinator's due list"
cp "$OUT" "$T/due.json"
printf 'koordinatorens kodeord\n' | "$BATON" staff passwd koord >/dev/null
unset BATON_USER
serve_start || not_ok "baton serve listens"
python3 - "$PORT" "$T/due.json" >"$T/web.out" 2>&1 <<'PY'
import json, re, sys
from webclient import Web, check
port, due_path = int(sys.argv[1]), sys.argv[2]
web = Web(port)
tok = web.login("koord", "koordinatorens kodeord")
want = [(i["case"], i["ref"]) for i in json.load(open(due_path))]
check(f"the CLI lists 32 items ({len(want)})", len(want) == 32)
def items(html):
    section = html.split("<ul>", 1)[1].split("</ul>", 1)[0] if "<ul>" in html else ""
    return re.findall(r'<a href="/case/([^"]+)">.*?name="entry" value="([^"]+)"', section, re.S)
s, _, first = web.get("/", tok)
check(f"the overview ({s})", s == 200)
page1 = items(first)
cases = first.split("<table", 1)[1].split("</table>", 1)[0] if "<table" in first else ""
check("the coordinator's own cases are listed by name, with their class",
      "Asta Sidetal" in cases and "Bjørn Sidetal" in cases and "Testskolen 2.B" in cases and "Testskolen 3.A" in cases)
check("and not a case someone else is the contact person of", "Cecilie" not in cases)
check(f"its first page shows the 25 most urgent ({len(page1)})", page1 == want[:25])
check("and links to the next page", 'href="/?due=25"' in first)
check("but to no page before it", 'href="/?due=0"' not in first)
s, _, second = web.get("/?due=25", tok)
page2 = items(second)
check(f"the next page ({s}) shows the other 7, in order ({len(page2)})", s == 200 and page2 == want[25:])
check("and links back, to the first", 'href="/?due=0"' in second)
check("but to no page after it", 'href="/?due=50"' not in second)
check("every item once over the two pages", sorted(page1 + page2) == sorted(want) and len(set(page1 + page2)) == 32)
for bad in ("7", "-25", "x", "25x"):
    s, _, d = web.get(f"/?due={bad}", tok)
    check(f"?due={bad} is refused ({s})", s == 400 and "due" in d)
s, _, d = web.get("/?due=50", tok)
check(f"a page past the end is not found ({s})", s == 404)
print("done")
PY
web_verdicts "$T/web.out"
serve_stop
# every case the overview showed is a read of it, in the coordinator's name
BATON_USER=koord run audit list --staff koord --json
python3 - "$OUT" "$A" "$B" <<'PY'
import json, sys
entries, a, b = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
listed = {e.get("case") for e in entries if e.get("action") == "read" and e.get("query") == "case list"}
sys.exit(not {a, b} <= listed)
PY
assert "the overview's list of the coordinator's cases is in the access log" test $? -eq 0
finish
