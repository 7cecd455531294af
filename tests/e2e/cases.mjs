// What every end-to-end test file shares: the harness each case gets (pages, screenshots, the
// page's state, driving helpers) and `runCases`, which runs a file's cases in every browser.
// Each test file of tests/e2e/ is its own process under `node --test`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, serve, text } from "./harness.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The engine version links carry: the workspace's package version. */
export const ENGINE = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(text(join(ROOT, "Cargo.toml")))[1];
export const SHOTS = join(ROOT, "target", "e2e");
const BROWSERS = (process.env.RAFTSIM_BROWSERS ?? "chromium,firefox").split(",");
export const WAIT_MS = 60_000;

/** The command line the page is compared with: the debug build (`./dev test page` builds it and
 * passes it as RAFTSIM_CLI). */
export const CLI = process.env.RAFTSIM_CLI ?? join(ROOT, "target", "debug", "raftsim");

/** Runs the command line; its stdout (a failing status is an answer, not an error, for some). */
export function cli(args, { allowStatus = [0] } = {}) {
  assert.ok(existsSync(CLI), `the command line is built (${CLI}): cargo build -p raftsim, or ./dev test page`);
  try {
    return execFileSync(CLI, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  } catch (error) {
    if (allowStatus.includes(error.status)) return error.stdout;
    throw error;
  }
}

/** A share link as the engine writes it, for hand-made (and hostile) links. */
export function link(run, { format = "r1", engine = ENGINE } = {}) {
  return `${format}~${engine}~${Buffer.from(JSON.stringify(run)).toString("base64url")}`;
}

/** What every case gets, for one browser: pages, screenshots and the page's state. Each helper
 * is an arrow field, so a case can take the ones it uses by destructuring. */
export class Harness {
  constructor(browserName) {
    this.browserName = browserName;
    this.engine = ENGINE;
    this.server = null;
    this.browser = null;
  }

  /** Serves the page and launches the browser (before the cases). */
  start = async () => {
    this.server = await serve(join(ROOT, "web"));
    this.browser = await launch(this.browserName);
    mkdirSync(join(SHOTS, this.browserName), { recursive: true });
  };

  /** Closes the browser and the server (after the cases). */
  stop = async () => {
    await this.browser?.close();
    await this.server?.close();
  };

  /** A fresh page at `suffix` (query and fragment), loaded and ready; collects page errors. */
  open = async (suffix = "?paused", { width = 1400, height = 1000, allowOpening = false } = {}) => {
    const page = await this.browser.newPage();
    await page.setViewport({ width, height });
    page.errors = [];
    page.on("pageerror", (error) => page.errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") page.errors.push(message.text());
    });
    await page.goto(this.server.url + suffix);
    await page.waitForFunction(
      (opening) => document.body.dataset.ready === "true" && document.body.dataset.firstFrame === "drawn" && (opening || document.body.dataset.opening === "done"),
      { timeout: WAIT_MS },
      allowOpening,
    );
    assert.equal(await page.evaluate(() => document.body.dataset.engineVersion), ENGINE, "the page runs this workspace's engine");
    return page;
  };

  /** A case: its pages are closed after it, and on failure each open one is photographed. */
  test = (name, body) => {
    it(name, async () => {
      const before = new Set(await this.browser.pages());
      try {
        await body();
      } catch (error) {
        const pages = (await this.browser.pages()).filter((page) => !before.has(page));
        for (const [position, page] of pages.entries()) {
          await page.screenshot({ path: join(SHOTS, this.browserName, `FAILED-${name.slice(0, 40).replace(/\W+/g, "-")}-${position}.png`) }).catch(() => {});
        }
        throw error;
      }
    });
  };

  shot = async (page, name) => {
    await page.screenshot({ path: join(SHOTS, this.browserName, `${name}.png`) });
  };

  state = async (page) => {
    return page.evaluate(() => ({
      events: window.raftsim.app.sim.events(),
      hash: document.getElementById("run-hash").textContent,
      shownEvent: document.getElementById("run-event").textContent,
      time: document.getElementById("run-time").textContent,
      leader: Number(document.body.dataset.leader),
      nodes: [...document.querySelectorAll("#node-list li")].map((item) => ({ role: item.dataset.role, text: item.textContent })),
    }));
  };

  /** Runs to simulated second `seconds` with the "run to" box and waits until there. */
  runTo = async (page, seconds) => {
    await page.evaluate((value) => {
      document.getElementById("run-to-time").value = String(value);
      document.getElementById("run-to").requestSubmit();
    }, seconds);
    await page.waitForFunction((target) => {
      const app = window.raftsim.app;
      return app.travelTo === null && (app.sim.now_us() >= target || app.sim.finished());
    }, { timeout: WAIT_MS }, seconds * 1e6);
    await this.settle(page);
  };

  /** Waits until the panels show the engine's state as it is now. */
  settle = async (page) => {
    await page.evaluate(() => window.raftsim.panelsRefreshed());
  };

  setSpeed = async (page, label) => {
    await page.evaluate((wanted) => {
      const input = document.getElementById("speed");
      for (let level = 0; level <= Number(input.max); level += 1) {
        input.value = String(level);
        input.dispatchEvent(new Event("input"));
        if (document.getElementById("speed-label").textContent === wanted) return;
      }
      throw new Error(`no speed ${wanted}`);
    }, label);
  };

  clickNode = async (page, node) => {
    const point = await page.evaluate((id) => window.raftsim.nodeCenter(id), node);
    await page.mouse.click(point.x, point.y);
    await page.waitForSelector("#menu:not([hidden])");
  };

  clickMenuButton = async (page, text) => {
    const clicked = await page.evaluate((wanted) => {
      const button = [...document.querySelectorAll("#menu button")].find((candidate) => candidate.textContent.trim().startsWith(wanted));
      button?.click();
      return Boolean(button);
    }, text);
    assert.ok(clicked, `the menu has a "${text}" button`);
  };

  assertNoErrors = (page) => {
    assert.deepEqual(page.errors, [], "no errors in the page's console");
  };
}

/** Runs `cases` (a list of [name, body]) in every browser, each body given the harness. */
export function runCases(title, cases) {
  for (const browserName of BROWSERS) {
    describe(`${title} in ${browserName}`, () => {
      const harness = new Harness(browserName);
      before(harness.start);
      after(harness.stop);
      for (const [name, body] of cases) harness.test(name, () => body(harness));
    });
  }
}
