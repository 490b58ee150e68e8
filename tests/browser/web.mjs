// baton serve in a real browser (Debian's chromium through playwright-core): a person logs in
// through the login form, walks their pages, saves a form, and every page is checked with
// axe-core (WCAG 2.1 A and AA) and for anything the Content-Security-Policy refused (a style or
// script the page needs but may not load). One line per check: "ok WHAT" or "FAIL WHAT", which
// the shell side counts.
//   node tests/browser/web.mjs BASE_URL JOURNEY.json [SCREENSHOT_DIR]
// JOURNEY.json: {"logins": [{"staff", "password", "lang", "pages": [path, ...],
//                            "edit": {"path", "field", "text", "expect"}}]}
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, journeyFile, shots] = process.argv.slice(2);
if (!base || !journeyFile) {
    console.error("usage: node web.mjs BASE_URL JOURNEY.json [SCREENSHOT_DIR]");
    process.exit(2);
}
const journey = JSON.parse(readFileSync(journeyFile, "utf8"));
if (shots) mkdirSync(shots, { recursive: true });
const check = (what, ok) => console.log(`${ok ? "ok" : "FAIL"} ${what}`);

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
});
try {
    for (const who of journey.logins) {
        const context = await browser.newContext({ locale: who.lang, viewport: { width: 1100, height: 900 } });
        const page = await context.newPage();
        const refused = [];
        page.on("console", (m) => {
            if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
        });
        page.on("pageerror", (e) => refused.push(String(e)));

        await page.goto(base + "/login");
        await page.fill("#staff", who.staff);
        await page.fill("#password", who.password);
        await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
        check(`${who.staff} logs in through the form and lands on the overview`, new URL(page.url()).pathname === "/");

        for (const path of ["/", ...who.pages]) {
            refused.length = 0;
            const response = await page.goto(base + path);
            const status = response ? response.status() : 0;
            check(`${who.staff} ${path}: answers 200 (${status})`, status === 200);
            // the stylesheet (or a document's own style) took effect: the body's font is not the default
            const styled = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
            check(`${who.staff} ${path}: styled under its Content-Security-Policy (${styled})`,
                  !/^"?Times/.test(styled) && refused.length === 0);
            const lang = await page.evaluate(() => document.documentElement.lang);
            check(`${who.staff} ${path}: in the reader's language (${lang})`, lang === who.lang);
            // axe runs in the page through the DevTools protocol, which the page's policy does not govern
            await page.evaluate(axeSource);
            const result = await page.evaluate(() =>
                axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
            const v = result.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target.join(" ")}`);
            check(`${who.staff} ${path}: no accessibility violations${v.length ? ": " + v.join("; ") : ""}`, v.length === 0);
            if (shots) {
                const name = `${who.staff}${path.replace(/[^a-z0-9]+/gi, "-")}`.replace(/-+$/, "");
                await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
            }
        }

        if (who.edit) {
            // a form used the way a person uses it: typed into, sent with its button, no script
            await page.goto(base + who.edit.path);
            await page.fill(`[name="${who.edit.field}"]`, who.edit.text);
            await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
            const body = await page.textContent("main");
            check(`${who.staff} saves ${who.edit.path} with the browser and sees the text on the case`,
                  body.includes(who.edit.expect));
        }
        await context.close();
    }
} finally {
    await browser.close();
}
console.log("end of the browser checks");
