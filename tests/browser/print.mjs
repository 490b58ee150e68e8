// Prints HTML documents to PDF the way a teacher's browser would (Debian's chromium, A4, the
// document's own @page rules), so that the tests can count pages and read what each page says.
//   node tests/browser/print.mjs IN.html OUT.pdf [IN.html OUT.pdf ...]
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "tools", "node", "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
    console.error("usage: node print.mjs IN.html OUT.pdf [IN.html OUT.pdf ...]");
    process.exit(2);
}
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
});
try {
    const page = await browser.newPage();
    for (let i = 0; i < args.length; i += 2) {
        await page.goto(pathToFileURL(resolve(args[i])).href, { waitUntil: "load" });
        await page.pdf({ path: args[i + 1], preferCSSPageSize: true, printBackground: true });
    }
} finally {
    await browser.close();
}
