// A person logging in to Baton through single sign-on, in Debian's chromium (playwright-core):
// Baton's address sends them to the identity provider's login form, and back through the proxy
// they are on their overview; they read a case of theirs and are refused one outside their
// scope; logging out ends the login at the provider. One line per check, "ok WHAT" or "FAIL WHAT".
//   node tests/sso/login.mjs BASE_URL LOGIN OWN_CASE OTHER_CASE [EXPECT]
// EXPECT "refused": the login itself must end on Baton's refusal page (a person who has left);
// "weak": on the page saying the login's assurance level is too low for a child's data.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const { chromium } = require("playwright-core");

const [base, login, own, other, expect] = process.argv.slice(2);
const check = (what, ok) => console.log(`${ok ? "ok" : "FAIL"} ${what}`);
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
});
try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en" });
    const page = await context.newPage();
    let r = await page.goto(base + "/");
    check(`Baton's address sends ${login} to the identity provider's login (${page.url().split("?")[0]})`,
          !page.url().startsWith(base) && (await page.locator("input[name=login]").count()) === 1);
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", "any password: the test provider takes any");
    const [answer] = await Promise.all([
        // the first page of Baton's own (not the proxy's redirects on the way back)
        page.waitForResponse((res) => res.request().resourceType() === "document" && res.url().startsWith(base + "/") &&
                                      (res.status() < 300 || res.status() >= 400), { timeout: 20000 }),
        page.click("button[type=submit]"),
    ]);
    const text = await page.locator("main").innerText().catch(() => "");
    if (expect === "refused") {
        check(`a person who has left comes back to a refusal page (${answer.status()})`,
              answer.status() === 403 && /you have left/.test(text));
    } else if (expect === "weak") {
        check(`a login below the store's assurance minimum shows no child (${answer.status()})`,
              answer.status() === 403 && /assurance level \(low\)/.test(text));
    } else {
        check(`back through the proxy, ${login} is on their overview (${answer.status()})`,
              answer.status() === 200 && page.url().startsWith(base));
        r = await page.goto(`${base}/case/${own}`);
        check(`reads a case of theirs (${r.status()})`, r.status() === 200);
        r = await page.goto(`${base}/case/${other}`);
        check(`is refused a case outside their scope (${r.status()})`, r.status() === 403);
        // logging out ends the login at the provider: Baton's address asks for a login again
        await page.goto(base + "/");
        await page.click("header a[href*='logout']");
        await page.waitForURL((u) => !u.href.startsWith(base), { timeout: 15000 }).catch(() => {});
        await page.waitForLoadState("load");
        check(`logging out leaves Baton for the provider's logout (${page.url().split("?")[0]})`, !page.url().startsWith(base));
        // the provider asks whether to end its login too (as NemLog-in does): yes
        const yes = page.locator("button[name=logout]");
        if (await yes.count()) {
            await yes.click();
            await page.waitForLoadState("load");
            await page.waitForTimeout(300);
        }
        r = await page.goto(base + "/");
        check(`after logging out, Baton's address asks for a login again (${page.url().split("?")[0]})`,
              !page.url().startsWith(base));
    }
} catch (e) {
    check(`the journey ran (${e.message.split("\n")[0]})`, false);
}
await browser.close();
console.log("end of the sso checks");
