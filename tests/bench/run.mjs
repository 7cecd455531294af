// Opens the wasm benchmark page in Debian's Chromium (driven by playwright-core, which downloads
// no browser) and prints the page's result as JSON. Called by `cargo xtask bench`.
//   node tests/bench/run.mjs <url> <chromium> <user-data-dir> [chromium args...]
import { chromium } from "playwright-core";

const [url, executablePath, userDataDir, ...args] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: args.filter((arg) => arg !== "--headless"),
});
try {
  const page = await context.newPage();
  await page.goto(url);
  const result = page.locator("#result[data-result]");
  await result.waitFor({ state: "attached", timeout: 600_000 });
  process.stdout.write((await result.getAttribute("data-result")) + "\n");
} finally {
  await context.close();
}
