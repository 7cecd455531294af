// The seed hunt's and the shrink's speed in the browsers against the command line, on the
// same seeds and machine (puppeteer-core, Debian's browsers; nothing downloaded):
//   cargo build --release -p raftsim && ./dev build-wasm && node tests/bench/hunt.mjs [SEEDS]
// The hunt: seeds 1..SEEDS (1000 by default) of `swarm` with every bug off, in the page's hunt
// panel (one worker per core the browser reports, at most 8), and `raftsim sweep` (release)
// with --jobs equal to the workers. The shrink: `raftsim shrink` and the page's shrink of the
// same failing links (seed 1 of swarm with figure8_commit; the first failing seed of a heavy cluster, 9 nodes,
// 24 clients, 30 s of faults). The guided search: figure8_commit found by its damage alone
// (damage checks only), over the same runs as seeds 1..SEEDS, guided in the page against
// `raftsim hunt` on each worker's part, and the plain sweep of the range in the page. Each
// figure is wall time and the CPU time of the browser's (or the CLI's) processes: on a shared
// machine the CPU time is the steadier of the two.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, scratchDirectory, serve } from "../e2e/harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = process.env.RAFTSIM_CLI ?? join(ROOT, "target", "release", "raftsim");
const SEEDS = Number(process.argv[2] ?? 1000);
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of a process and all its descendants, from /proc. */
function cpuSeconds(root) {
  const children = new Map();
  const own = new Map();
  for (const name of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const text = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      own.set(Number(name), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
      children.set(Number(fields[1]), [...(children.get(Number(fields[1])) ?? []), Number(name)]);
    } catch {
      // The process ended while we read.
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop();
    total += own.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Where the bench writes the CLI's timings and reports; removed at exit. */
const SCRATCH = scratchDirectory("raftsim-bench-");

/** Runs the CLI under /usr/bin/time: its wall and CPU seconds, and its output. */
function timedCli(args) {
  const timing = join(SCRATCH, "time.txt");
  let output;
  try {
    output = execFileSync("/usr/bin/time", ["-f", "%e %U %S", "-o", timing, CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  } catch (error) {
    // Status 1: the command found failures, which is an answer.
    if (error.status !== 1) throw error;
    output = error.stdout;
  }
  const [wall, user, system] = readFileSync(timing, "utf8").trim().split(/\s+/).slice(-3).map(Number);
  return { wall, cpu: user + system, output };
}

async function fillHunt(page, { scenario, first, last, bugs, checks = "full", search = "sweep" }) {
  await page.evaluate((form) => {
    const select = document.getElementById("search-scenario");
    select.value = form.scenario;
    select.dispatchEvent(new Event("change"));
    for (const input of document.querySelectorAll("#search-bugs input")) input.checked = form.bugs.includes(input.value);
    document.getElementById("search-first").value = String(form.first);
    document.getElementById("search-last").value = String(form.last);
    document.getElementById("search-checks").value = form.checks;
    document.getElementById("search-kind").value = form.search;
    document.getElementById("search-start").click();
  }, { scenario, first, last, bugs, checks, search });
  await page.waitForFunction(() => document.body.dataset.search === "done", { timeout: 3_600_000, polling: 250 });
  return page.evaluate(() => {
    const hunt = window.raftsim.app.search;
    return {
      seeds: hunt.done, events: hunt.events, failing: hunt.failing, workers: hunt.workersUsed, wall: (hunt.finishedAt - hunt.startedAt) / 1000, listed: hunt.listed,
      states: hunt.signatures?.size ?? null, forked: hunt.forked ?? null, parts: hunt.parts?.map((part) => part.shard) ?? null,
    };
  });
}

async function shrinkRow(page, pid, seed) {
  const cpuBefore = cpuSeconds(pid);
  await page.click(`#search-failures li[data-seed="${seed}"] .shrink-button`);
  await page.waitForFunction((wanted) => document.querySelector(`#search-failures li[data-seed="${wanted}"]`).dataset.shrink === "done", { timeout: 3_600_000, polling: 100 }, seed);
  const status = await page.$eval(`#search-failures li[data-seed="${seed}"] .shrink-status`, (element) => element.textContent);
  return { status, cpu: cpuSeconds(pid) - cpuBefore };
}

const HEAVY = () => {
  const scenario = window.raftsim.app.wasm.preset("swarm");
  Object.assign(scenario, { name: "heavy", nodes: 9 });
  scenario.nemesis.swarm_cluster = false;
  scenario.workload.clients = 24;
  scenario.phases.safety_us = 30_000_000;
  scenario.protocol.bugs.figure8_commit = true;
  window.raftsim.start(scenario);
};

async function inBrowser(name, server) {
  const browser = await launch(name);
  const pid = browser.process().pid;
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(`${server.url}?paused`);
  await page.waitForFunction(() => document.body.dataset.ready === "true", { timeout: 60_000 });
  const cpuBefore = cpuSeconds(pid);
  const hunt = await fillHunt(page, { scenario: "swarm", first: 1, last: SEEDS, bugs: [] });
  hunt.cpu = cpuSeconds(pid) - cpuBefore;
  const small = await fillHunt(page, { scenario: "swarm", first: 1, last: 1, bugs: ["figure8_commit"] });
  const smallShrink = { link: small.listed[0].link, ...(await shrinkRow(page, pid, 1)) };
  await page.evaluate(HEAVY);
  const heavy = await fillHunt(page, { scenario: "", first: 1, last: 4, bugs: ["figure8_commit"] });
  const heavySeed = heavy.listed[0].seed;
  const heavyShrink = { link: heavy.listed[0].link, ...(await shrinkRow(page, pid, heavySeed)) };
  const damage = { bugs: ["figure8_commit"], checks: "damage", scenario: "swarm", first: 1, last: SEEDS };
  const cpuGuided = cpuSeconds(pid);
  const guided = await fillHunt(page, { ...damage, search: "hunt" });
  guided.cpu = cpuSeconds(pid) - cpuGuided;
  const swept = await fillHunt(page, damage);
  await browser.close();
  return { hunt, guided, swept, shrinks: { "swarm seed 1, figure8_commit": smallShrink, [`heavy seed ${heavySeed}, figure8_commit`]: heavyShrink } };
}

const server = await serve(join(ROOT, "web"));
const results = {};
for (const name of ["chromium", "firefox"]) results[name] = await inBrowser(name, server);
await server.close();
const workers = results.chromium.hunt.workers;
const sweep = timedCli(["sweep", "--seeds", `1..${SEEDS}`, "--jobs", String(workers), "--quiet"]);
const events = Number(/(\d+) events in/.exec(sweep.output)[1]);

const rate = (seeds, seconds) => `${(seeds / seconds).toFixed(1)}`;
console.log(`hunt: seeds 1..${SEEDS} of swarm, every bug off, ${workers} workers / --jobs ${workers}; seeds/s by wall time, and per CPU-second`);
console.log(`  raftsim sweep   ${rate(SEEDS, sweep.wall).padStart(7)} seeds/s  ${rate(SEEDS, sweep.cpu).padStart(7)} per CPU-s  (${events} events, ${sweep.wall.toFixed(1)} s, ${sweep.cpu.toFixed(1)} CPU-s)`);
for (const [name, result] of Object.entries(results)) {
  const hunt = result.hunt;
  const same = hunt.events === events ? "the same events" : `${hunt.events} events: NOT the CLI's`;
  console.log(`  ${name.padEnd(15)} ${rate(hunt.seeds, hunt.wall).padStart(7)} seeds/s  ${rate(hunt.seeds, hunt.cpu).padStart(7)} per CPU-s  (${same}, ${hunt.wall.toFixed(1)} s, ${hunt.cpu.toFixed(1)} CPU-s, ${((100 * sweep.cpu) / hunt.cpu).toFixed(0)}% of native per CPU-s)`);
}
console.log(`guided: figure8_commit by its damage alone (damage checks), ${SEEDS} runs (guided) or seeds (swept) from seed 1`);
const parts = results.chromium.guided.parts;
let native = { runs: 0, failing: 0, cpu: 0 };
for (const part of parts) {
  const file = join(SCRATCH, "hunt.json");
  const run = timedCli(["hunt", "--bug", "figure8_commit", "--checks", "damage", "--seeds-from", String(part.seeds_from), "--runs", String(part.runs), "--round", String(part.round), "--hunt-seed", String(part.hunt_seed), "--jobs", "1", "--quiet", "--json", file]);
  const report = JSON.parse(readFileSync(file, "utf8"));
  native = { runs: native.runs + report.runs, failing: native.failing + report.failures.length, cpu: native.cpu + run.cpu };
}
console.log(`  raftsim hunt    ${rate(native.runs, native.cpu).padStart(7)} runs per CPU-s, ${native.failing} failing runs (one hunt per part, ${parts.length} parts, run one after the other)`);
for (const [name, result] of Object.entries(results)) {
  const { guided, swept } = result;
  console.log(`  ${name.padEnd(15)} guided: ${rate(guided.seeds, guided.wall).padStart(7)} runs/s, ${rate(guided.seeds, guided.cpu)} per CPU-s, ${guided.failing} failing runs (${guided.forked} forks, ${guided.states} abstract states, ${guided.wall.toFixed(1)} s); swept: ${swept.failing} failing seeds (${swept.wall.toFixed(1)} s)`);
}
console.log("shrink: the same link, raftsim shrink (release) and the page's worker (its own time; CPU of the whole browser)");
for (const label of Object.keys(results.chromium.shrinks)) {
  const native = timedCli(["shrink", results.chromium.shrinks[label].link]);
  console.log(`  ${label}: raftsim shrink ${/(\d+ runs) in/.exec(native.output)[1]}, ${native.wall.toFixed(2)} s wall, ${native.cpu.toFixed(2)} CPU-s`);
  for (const [name, result] of Object.entries(results)) {
    const shrink = result.shrinks[label];
    console.log(`    ${name.padEnd(9)} ${shrink.status} ${shrink.cpu.toFixed(2)} CPU-s`);
  }
}
