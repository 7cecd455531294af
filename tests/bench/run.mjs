// The standard workload natively and in the browsers, side by side. Called by `cargo xtask bench`;
// prints one JSON object with every sample.
//   node tests/bench/run.mjs <raftsim binary> <seeds> <rounds> <scratch directory> [<talc pkg>]
// Serves web/pkg and this folder, opens the bench page in Debian's Chromium and Firefox ESR
// (puppeteer-core, harness.mjs: nothing downloaded), then takes `rounds` rounds; each round runs
// the same seeds natively (`raftsim bench --standard-only`), in Chromium and in Firefox, one
// after the other, so that a burst of load from other processes hits every engine alike. The
// figures are a ratio of rates measured on a shared machine: read the best round of each, and
// the ratio of the bests, not a single sample. Each sample also carries the CPU time the
// engine's thread spent (from /proc: the native child's, the busiest thread of the browser's
// process tree), which a busy machine disturbs much less than the wall clock. One warm-up run
// in each browser comes first, so that every timed run sees the optimising compilers' code, as
// a long hunt does. Given a second build of the wasm module (`<talc pkg>`: the same engine with
// the talc crate's allocator instead of raftsim-alloc's), each round also runs it in both
// browsers ("chromium-talc", "firefox-talc"), in the other order every other round.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, serve } from "../e2e/harness.mjs";

const [raftsim, seedsText, roundsText, scratch, talcPkg] = process.argv.slice(2);
const seeds = Number(seedsText);
const rounds = Number(roundsText);
const here = dirname(fileURLToPath(import.meta.url));
const BROWSER_NAMES = ["chromium", "firefox"];
/** Each engine: a browser and the wasm build it runs (web/pkg, or the talc build). */
const ENGINES = BROWSER_NAMES.flatMap((browser) =>
  [{ name: browser, browser, pkg: join(here, "..", "..", "web", "pkg") }].concat(
    talcPkg ? [{ name: `${browser}-talc`, browser, pkg: talcPkg }] : [],
  ),
);

const TICKS_PER_SECOND = 100;

/** User + system clock ticks of process `pid` (fields 14 and 15 of /proc/PID/stat), and, with
 * `children`, those of its waited-for children (16 and 17). */
function ticks(pid, children = false) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    // After the name: state is field 3, so field N is fields[N - 3].
    const own = Number(fields[11]) + Number(fields[12]);
    return children ? Number(fields[13]) + Number(fields[14]) : own;
  } catch {
    return 0; // the process ended between the listing and the read
  }
}

/** The clock ticks of every thread of `root` and of every process below it, by thread id. */
function threadTicks(root) {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // gone already
    }
  }
  const tree = new Set([root]);
  for (let grown = true; grown; ) {
    grown = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grown = true;
      }
    }
  }
  const threads = new Map();
  for (const pid of tree) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended
    }
    for (const tid of tids) threads.set(`${pid}/${tid}`, ticks(`${pid}/task/${tid}`));
  }
  return threads;
}

/** The CPU ticks of the busiest thread between two `threadTicks` readings: the engine runs on
 * one thread (the page's), and the browser's other threads and processes are not its cost. */
function busiestThread(before, after) {
  let busiest = 0;
  for (const [thread, spent] of after) busiest = Math.max(busiest, spent - (before.get(thread) ?? 0));
  return busiest;
}

/** A sample: the rate by the wall clock and by the CPU time spent. */
function sample(events, milliseconds, cpuTicks) {
  const cpuSeconds = cpuTicks / TICKS_PER_SECOND;
  return { events, milliseconds, events_per_second: (events * 1e3) / milliseconds, cpu_seconds: cpuSeconds, events_per_cpu_second: events / cpuSeconds };
}

/** One native measurement: the CLI's own figures, as JSON, and the child's CPU time. */
function native() {
  const json = join(scratch, "native.json");
  const before = ticks("self", true);
  execFileSync(raftsim, ["bench", "--standard-only", "--seeds", String(seeds), "--json", json], { stdio: "ignore" });
  const spent = ticks("self", true) - before;
  const figures = JSON.parse(readFileSync(json, "utf8"));
  return sample(figures.events, figures.wall_seconds * 1e3, spent);
}

/** Opens the bench page in `browserName`, waits for the module, and warms it up on a few seeds. */
async function open(browserName, url) {
  const browser = await launch(browserName);
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("result").dataset.ready === "true", { timeout: 120_000 });
  await page.evaluate((count) => window.benchStandard(count), Math.min(seeds, 8));
  return { browser, page, pid: browser.process().pid };
}

/** One measurement in an open page: the engine's `bench_standard`, timed by the browser. */
async function inBrowser({ page, pid }) {
  const before = threadTicks(pid);
  const result = await page.evaluate((count) => window.benchStandard(count), seeds);
  return sample(result.events, result.milliseconds, busiestThread(before, threadTicks(pid)));
}

// The page imports /pkg/raftsim_wasm.js: serve the engine's pkg and this folder from one root,
// one root and server per build.
const servers = [];
const opened = {};
try {
  for (const engine of ENGINES) {
    const root = join(scratch, `root-${engine.name}`);
    mkdirSync(root);
    symlinkSync(engine.pkg, join(root, "pkg"));
    symlinkSync(here, join(root, "bench"));
    const server = await serve(root);
    servers.push(server);
    opened[engine.name] = await open(engine.browser, `${server.url}bench/`);
  }
  const samples = { native: [] };
  for (const engine of ENGINES) samples[engine.name] = [];
  for (let round = 0; round < rounds; round += 1) {
    samples.native.push(native());
    for (const browser of BROWSER_NAMES) {
      const builds = ENGINES.filter((engine) => engine.browser === browser);
      if (round % 2 === 1) builds.reverse();
      for (const { name } of builds) samples[name].push(await inBrowser(opened[name]));
    }
  }
  const versions = {};
  for (const name of BROWSER_NAMES) versions[name] = await opened[name].browser.version();
  process.stdout.write(`${JSON.stringify({ seeds, rounds, versions, samples })}\n`);
} finally {
  for (const { browser } of Object.values(opened)) await browser.close();
  for (const server of servers) await server.close();
}
