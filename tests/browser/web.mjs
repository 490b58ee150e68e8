// baton serve in a real browser (Debian's chromium through playwright-core), as its people use
// it: each journey logs in through the form and clicks its way through, and every page it meets is
// checked with axe-core (WCAG 2.1 A and AA), for anything the Content-Security-Policy refused, and
// for its language. One line per check, "ok WHAT" or "FAIL WHAT", which the shell side counts.
//   node tests/browser/web.mjs BASE_URL STORY.json [SCREENSHOT_DIR]
// STORY.json names the people (staff, password), the cases and the class the store holds, and the
// pages each person walks in each language (see tests/e2e/t_browser.sh).
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, storyFile, shots] = process.argv.slice(2);
if (!base || !storyFile) {
    console.error("usage: node web.mjs BASE_URL STORY.json [SCREENSHOT_DIR]");
    process.exit(2);
}
const story = JSON.parse(readFileSync(storyFile, "utf8"));
const check = (what, ok) => console.log(`${ok ? "ok" : "FAIL"} ${what}`);
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
});

/* A person's own browser (a context of its own: their own cookies), logged in through the form. */
async function login(who, lang) {
    const context = await browser.newContext({ locale: lang, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    page.refused = [];
    page.on("console", (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) page.refused.push(m.text());
    });
    page.on("pageerror", (e) => page.refused.push(String(e)));
    page.lang = lang;
    page.who = who;
    await page.goto(base + "/login");
    await page.fill("#staff", who);
    await page.fill("#password", story.passwords[who]);
    await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
    check(`${who} (${lang}) logs in through the form and lands on the overview`, new URL(page.url()).pathname === "/");
    return page;
}

/* What every page must be: styled with nothing refused, in the reader's language, accessible. */
const seen = new Set();
async function inspect(page, label) {
    const key = `${page.who} ${page.lang} ${label}`;
    const styled = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    check(`${key}: styled, nothing refused by its Content-Security-Policy (${styled}; ${page.refused.join(" | ")})`,
          !/^"?Times/.test(styled) && page.refused.length === 0);
    page.refused.length = 0;
    const lang = await page.evaluate(() => document.documentElement.lang);
    check(`${key}: in the reader's language (${lang})`, lang === page.lang);
    await page.evaluate(axeSource); // through the DevTools protocol, which the page's policy does not govern
    const result = await page.evaluate(() =>
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    const v = result.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(" ")}`);
    check(`${key}: no WCAG 2.1 AA violations${v.length ? ": " + v.join("; ") : ""}`, v.length === 0);
    if (shots && !seen.has(key)) {
        seen.add(key);
        const dir = join(shots, page.lang);
        mkdirSync(dir, { recursive: true });
        const name = `${page.who}-${label}`.replace(/[^a-z0-9æøåäö]+/gi, "-").replace(/-+$/, "");
        await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
    }
}

async function open(page, path, label) {
    const response = await page.goto(base + path);
    check(`${page.who} ${path}: 200 (${response ? response.status() : 0})`, response && response.status() === 200);
    await inspect(page, label || path);
}

async function click(page, selector, label) {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
    await inspect(page, label);
}

const { cases, klass } = story;
try {
    // 1. a coordinator hands over everything a leaving teacher holds; the colleague acknowledges
    {
        const koord = await login(story.coordinator, "da");
        await inspect(koord, "overview");
        await open(koord, "/staff", "staff");
        await koord.selectOption(`#to-${story.leaving}`, story.receiver);
        await click(koord, `form[action="/staff/${story.leaving}/leave"] button`, "staff-after-leave");
        check("the leaving teacher is gone from the active staff", !(await koord.content()).includes(`/staff/${story.leaving}/leave`));
        const receiver = await login(story.receiver, "da");
        const acks = await receiver.locator('form[action$="/ack"]').count();
        check(`the colleague's overview has the handovers waiting (${acks})`, acks >= 1);
        for (let i = 0; i < acks; i++)
            await click(receiver, 'form[action$="/ack"] button', "overview-after-ack");
        check("nothing waits after the acknowledgements", (await receiver.locator('form[action$="/ack"]').count()) === 0);
        check("the case is now on the colleague's own list", (await receiver.content()).includes(`/case/${cases.handed}`));
        await koord.context().close();
        await receiver.context().close();
    }
    // 2. a psychologist finds when a word first appeared in a child's history, and opens that change
    {
        const psyk = await login(story.psychologist, "da");
        await open(psyk, "/search", "search");
        await psyk.fill("#q", story.word);
        await psyk.check("#history");
        await click(psyk, 'form[role="search"] button', "search-hits");
        const hit = psyk.locator(`a[href^="/case/${cases.word}/diff?to="]`).first();
        check("the hit links to the change that brought the word in", (await hit.count()) === 1);
        await click(psyk, `a[href^="/case/${cases.word}/diff?to="] >> nth=0`, "diff");
        const ins = await psyk.locator("ins").allTextContents();
        check(`that change shows the word coming in (${ins.join(" | ").slice(0, 80)})`, ins.some((t) => t.includes(story.word)));
        await psyk.context().close();
    }
    // 3. a new class teacher joins a class, reads the briefing and acknowledges it
    {
        const koord = await login(story.coordinator, "da");
        await open(koord, `/class?context=${encodeURIComponent(klass)}`, "class");
        await koord.selectOption("#staff", story.newteacher);
        await koord.fill("#role", "klasselærer");
        await click(koord, 'form[action^="/class/join"] button', "class-after-join");
        const teacher = await login(story.newteacher, "da");
        check("the new teacher's overview has the onboardings waiting", (await teacher.locator('form[action$="/ack"]').count()) >= 1);
        await teacher.fill("#context", klass);
        await click(teacher, 'form[action="/class"] button', "class-teacher");
        await click(teacher, 'a[href^="/class/briefing"] >> nth=0', "briefing");
        check("the briefing names the class's children", (await teacher.content()).includes(story.child));
        await teacher.goBack();
        await click(teacher, 'form[action^="/class/ack"] button', "overview-after-briefing");
        check("no onboarding waits after the acknowledgement", (await teacher.locator('form[action$="/ack"]').count()) === 0);
        await teacher.context().close();
        await koord.context().close();
    }
    // 4. two people edit the same plan at once: the second save is refused, and loses nothing
    {
        const a = await login(story.coordinator, "da");
        const b = await login(story.receiver, "da");
        await open(a, `/case/${cases.handed}/edit`, "edit");
        await open(b, `/case/${cases.handed}/edit`, "edit");
        await a.fill('[name="plan.strengths"]', "Den første gemmer denne tekst");
        await click(a, "main form button[type=submit]", "case-after-save");
        check("the first save shows on the case", (await a.textContent("main")).includes("Den første gemmer denne tekst"));
        await b.fill('[name="plan.strengths"]', "Den anden skrev noget andet");
        const [response] = await Promise.all([b.waitForNavigation(), b.click("main form button[type=submit]")]);
        check(`the second save over it is refused with 409 (${response.status()})`, response.status() === 409);
        await inspect(b, "edit-conflict");
        const kept = await b.inputValue('[name="plan.strengths"]');
        check("the second person's text is kept in the form", kept === "Den anden skrev noget andet");
        check("beside what the case holds now", (await b.locator("del, ins").allTextContents()).join(" ").includes("første"));
        await a.context().close();
        await b.context().close();
    }
    // 5. every page of each person, in Danish and in Swedish
    for (const walk of story.walks) {
        for (const lang of ["da", "sv"]) {
            const page = await login(walk.staff, lang);
            for (const path of walk.pages)
                await open(page, path);
            await page.context().close();
        }
    }
} finally {
    await browser.close();
}
console.log("end of the browser checks");
