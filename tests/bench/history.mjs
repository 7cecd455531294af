// The page's linearizability check of a history file (in an engine worker) against
// `raftsim check-history` on the same file, on the same machine (puppeteer-core, Debian's
// browsers; nothing downloaded):
//   cargo build --release -p raftsim && ./dev build-wasm && node tests/bench/history.mjs [RUNS]
// For each file the figure is the check alone: the worker's own time around the engine's call
// (reading the text and checking it; the CLI's `seconds` covers the check alone), the median
// of RUNS opens (5 by default).
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, serve } from "../e2e/harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = process.env.RAFTSIM_CLI ?? join(ROOT, "target", "release", "raftsim");
const HISTORIES = join(ROOT, "..", "shared", "data", "histories");
const RUNS = Number(process.argv[2] ?? 5);
const FILES = [
  ["jepsen-etcd/etcd_002.log", "register"],
  ["jepsen-etcd/etcd_000.log", "register"],
  ["kv/c10-ok.txt", "kv"],
  ["kv/c10-bad.txt", "kv"],
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The CLI's own time for the check, in milliseconds (its JSON's `seconds`). */
function cliMs(path, model) {
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    let output;
    try {
      output = execFileSync(CLI, ["check-history", "--json", "--model", model, path], { encoding: "utf8" });
    } catch (error) {
      output = error.stdout; // exit 1: not linearizable
    }
    times.push(JSON.parse(output).seconds * 1000);
  }
  return median(times);
}

async function browserMs(browserName, server) {
  const browser = await launch(browserName);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?paused`);
    await page.waitForFunction(() => document.body.dataset.ready === "true", { timeout: 60_000 });
    const results = {};
    for (const [name, model] of FILES) {
      await page.select("#history-model", model);
      const times = [];
      for (let run = 0; run < RUNS; run += 1) {
        const before = await page.evaluate(() => window.raftsim.history().metrics.fileChecks);
        await (await page.$("#history-file")).uploadFile(join(HISTORIES, name));
        await page.waitForFunction((previous) => {
          const state = window.raftsim.history();
          return state.fileResult?.verdict && state.metrics.fileChecks !== previous;
        }, { timeout: 600_000 }, before);
        times.push(await page.evaluate(() => window.raftsim.history().metrics.lastFileCheckMs));
        if (process.env.VERBOSE) console.error(browserName, name, run, times.at(-1));
      }
      results[name] = median(times);
    }
    return results;
  } finally {
    await browser.close();
  }
}

const server = await serve(join(ROOT, "web"));
try {
  const browsers = {};
  for (const name of ["chromium", "firefox"]) browsers[name] = await browserMs(name, server);
  console.log(`check of a history file, median of ${RUNS} (ms): CLI (release) | Chromium worker | Firefox worker`);
  for (const [name, model] of FILES) {
    const cli = cliMs(join(HISTORIES, name), model);
    const row = [cli, browsers.chromium[name], browsers.firefox[name]].map((ms) => ms.toFixed(1).padStart(9));
    console.log(`  ${name.padEnd(26)} ${row.join(" | ")}`);
  }
} finally {
  await server.close();
}
