// The search for failing runs, shrink and export, end to end in Chromium and Firefox: a sweep in Web Workers
// judges seeds as `raftsim sweep` does, a shrink in a worker gives what `raftsim shrink` gives,
// the shrunk run opens at its violation, and the exported command, run natively, replays to the
// trace hash the page shows. The command line is the debug build (`./dev test page` builds it
// and passes it as RAFTSIM_CLI). Screenshots 50-59.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, ROOT, WAIT_MS, cli, runCases } from "./cases.mjs";
import { scratchDirectory } from "./harness.mjs";

/** A hunt of the whole default range, in a browser on a busy machine, may take this long. */
const HUNT_WAIT_MS = 240_000;

/** A link's fragment: what follows `#` in a URL (or the link itself). */
function fragment(link) {
  return link.includes("#") ? link.slice(link.indexOf("#") + 1) : link;
}

/** Fills the search form and starts it; `scenario` is a preset name or "" for the run on screen. */
async function search(page, { scenario = "swarm", first, last, bugs = [], checks, kind = "sweep" }) {
  await page.evaluate((form) => {
    const select = document.getElementById("search-scenario");
    select.value = form.scenario;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    for (const input of document.querySelectorAll("#search-bugs input")) input.checked = form.bugs.includes(input.value);
    if (form.checks !== undefined) document.getElementById("search-checks").value = form.checks;
    document.getElementById("search-kind").value = form.kind;
    if (form.first !== undefined) document.getElementById("search-first").value = String(form.first);
    if (form.last !== undefined) document.getElementById("search-last").value = String(form.last);
    document.getElementById("search-start").click();
  }, { scenario, first, last, bugs, checks, kind });
}

async function searchEnded(page, timeout = HUNT_WAIT_MS) {
  await page.waitForFunction(() => ["done", "cancelled"].includes(document.body.dataset.search), { timeout });
  return page.evaluate(() => {
    const hunt = window.raftsim.app.search;
    return {
      state: document.body.dataset.search, done: hunt.done, failing: hunt.failing, unknown: hunt.unknown, workers: hunt.workers.length,
      listed: hunt.listed.map((report) => ({ seed: report.seed, check: report.violation?.invariant ?? "Panic", event: report.violation?.event ?? null, link: report.link })),
      rows: [...document.querySelectorAll("#search-failures li")].map((row) => ({ seed: Number(row.dataset.seed), check: row.dataset.check })),
      figures: document.getElementById("search-figures").textContent, verdict: document.getElementById("search-verdict").textContent,
    };
  });
}

/** Waits until an opened link has been replayed to its moment and the panels show it. */
async function opened(page) {
  await page.waitForFunction(() => document.body.dataset.opening === "done", { timeout: WAIT_MS });
  await page.evaluate(() => window.raftsim.panelsRefreshed());
}

/** What the page shows of a violation: the run's, the failed check row, the scrubber's mark. */
async function violationShown(page) {
  return page.evaluate(() => ({
    invariant: window.raftsim.app.sim.run_view().violation?.invariant ?? null,
    event: window.raftsim.app.sim.events(),
    failedChecks: [...document.querySelectorAll("#checks li.failed")].map((row) => row.dataset.check),
    markShown: !document.getElementById("scrub-violation").hidden,
    notice: document.querySelector('.notice.violation')?.textContent ?? "",
    hash: document.getElementById("run-hash").textContent,
  }));
}

/** Shrinks the listed seed `seed` and waits for the result; its status line and shrunk link. */
async function shrinkSeed(page, seed) {
  await page.click(`#search-failures li[data-seed="${seed}"] .shrink-button`);
  await page.waitForFunction((wanted) => document.querySelector(`#search-failures li[data-seed="${wanted}"]`).dataset.shrink === "done", { timeout: HUNT_WAIT_MS }, seed);
  return page.$eval(`#search-failures li[data-seed="${seed}"]`, (row) => ({ link: row.dataset.shrunkLink, status: row.querySelector(".shrink-status").textContent }));
}

/** Opens the export dialog for the run on screen and waits for the Rust test. */
async function exported(page) {
  await page.click("#export-run");
  await page.waitForFunction(() => document.getElementById("export").dataset.state === "ready", { timeout: HUNT_WAIT_MS });
  return page.evaluate(() => ({ command: document.getElementById("export-command").value, test: document.getElementById("export-test").value, note: document.getElementById("export-test-note").textContent }));
}

/** Runs an exported command as a shell would, with the CLI on PATH as `raftsim`. */
function runExportedCommand(command) {
  assert.match(command, /^raftsim replay '[^']+'$/);
  const directory = scratchDirectory("raftsim-cli-");
  execFileSync("ln", ["-s", CLI, join(directory, "raftsim")]);
  try {
    return execFileSync("sh", ["-c", command], { encoding: "utf8", env: { ...process.env, PATH: `${directory}:${process.env.PATH}` } });
  } catch (error) {
    if (error.status === 1) return error.stdout;
    throw error;
  }
}

function traceHashOf(output) {
  return /trace hash ([0-9a-f]{16})/.exec(output)?.[1] ?? null;
}

const CASES = [
  ["a sweep with a bug on finds the seeds the CLI finds, shrinks one as raftsim shrink does, and the shrunk run opens at its violation", async ({ open, shot, assertNoErrors, browserName }) => {
    const page = await open();
    await search(page, { first: 1, last: 8, bugs: ["figure8_commit"] });
    const found = await searchEnded(page);
    assert.equal(found.state, "done");
    assert.equal(found.done, 8);
    const sweep = JSON.parse(readReport(["sweep", "--bug", "figure8_commit", "--seeds", "1..8", "--quiet"]));
    const expected = sweep.failures.map((failure) => ({ seed: failure.seed, check: failure.check, event: failure.event, link: fragment(failure.link) }));
    assert.ok(expected.length > 0, "the CLI finds figure8_commit in seeds 1..8");
    assert.deepEqual(found.listed.sort((a, b) => a.seed - b.seed), expected, "the page judges each seed as raftsim sweep does, links included");
    assert.deepEqual(found.rows, expected.map(({ seed, check }) => ({ seed, check })), "each failing seed is listed with its check, in seed order");
    assert.match(found.verdict, /failing \(LeaderCommitsOwnTermInv on \d+ seeds?\)/);
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "50-hunt-found");

    const first = expected[0];
    await page.click(`#search-failures li[data-seed="${first.seed}"] .open-button`);
    await opened(page);
    const atSeed = await violationShown(page);
    assert.equal(atSeed.invariant, first.check);
    assert.equal(atSeed.event, first.event, "the seed opens at its violating event");

    const shrunk = await shrinkSeed(page, first.seed);
    assert.match(shrunk.status, /^Shrunk in \d+ reruns/);
    const native = cli(["shrink", first.link]);
    const nativeLink = /^replay: (.+)$/m.exec(native)[1];
    assert.equal(shrunk.link, fragment(nativeLink), "the browser's shrink ends where raftsim shrink does");
    await page.evaluate((seed) => document.querySelector(`#search-failures li[data-seed="${seed}"]`).scrollIntoView(), first.seed);
    await shot(page, "51-shrunk");

    // The shrunk run opens by itself when the shrink ends, and says what it is.
    const shrunkName = `swarm seed ${first.seed}, shrunk`;
    await page.waitForFunction((name) => window.raftsim.app.lastRunView?.name === name, { timeout: WAIT_MS }, shrunkName);
    await opened(page);
    const named = await page.evaluate((seed) => ({
      scenario: document.getElementById("run-scenario").textContent,
      opened: document.querySelector(`#search-failures li[data-seed="${seed}"]`).dataset.shrunkOpened,
      status: document.querySelector(`#search-failures li[data-seed="${seed}"] .shrink-status`).textContent,
      description: document.getElementById("preset-description").textContent,
      preset: document.getElementById("preset").value,
    }), first.seed);
    assert.equal(named.scenario, shrunkName, "the run panel says the run is a shrunk one, not the swarm preset");
    assert.equal(named.opened, "true");
    assert.match(named.status, /It is open above\.$/);
    assert.equal(named.preset, "swarm");
    assert.match(named.description, /^This run was shrunk from one of “swarm”/);
    const shown = await violationShown(page);
    assert.equal(shown.invariant, first.check, "the shrunk run fails the same check");
    assert.deepEqual(shown.failedChecks, [first.check], "its check is marked failed");
    assert.ok(shown.markShown, "the scrubber marks the violation");
    assert.match(shown.notice, new RegExp(`${first.check} failed at event`));
    assert.ok(shown.event < first.event, `the shrunk run fails sooner (event ${shown.event}, was ${first.event})`);
    await page.evaluate(() => window.scrollTo({ top: 0 }));
    await shot(page, "52-shrunk-opened");

    const texts = await exported(page);
    const replayed = runExportedCommand(texts.command);
    assert.equal(traceHashOf(replayed), shown.hash, `the exported command replays to the page's trace hash in ${browserName}`);
    assert.match(replayed, new RegExp(`${first.check} violated at event ${shown.event} `));
    const link = /'([^']+)'/.exec(texts.command)[1];
    assert.equal(texts.test, cli(["replay", "--rust-test", link], { allowStatus: [1] }), "the page's Rust test is the one raftsim replay --rust-test writes");
    assert.match(texts.test, new RegExp(`assert_eq!\\(violation.invariant, Invariant::${first.check}, `));
    assert.match(texts.note, new RegExp(`asserts that it fails ${first.check} at event`));
    await shot(page, "53-export");
    assertNoErrors(page);
    await page.close();
  }],

  ["a shrink that ends after another run was opened offers its run instead of opening it", async ({ open, assertNoErrors }) => {
    const page = await open();
    await search(page, { first: 1, last: 1, bugs: ["figure8_commit"] });
    const found = await searchEnded(page);
    assert.deepEqual(found.rows.map((row) => row.seed), [1]);
    // Start the shrink, and in the same task open another run: the person's, not to be taken away.
    await page.evaluate(() => {
      document.querySelector('#search-failures li[data-seed="1"] .shrink-button').click();
      window.raftsim.start(window.raftsim.app.wasm.preset("classroom"));
    });
    await page.waitForFunction(() => document.querySelector('#search-failures li[data-seed="1"]').dataset.shrink === "done", { timeout: HUNT_WAIT_MS });
    const after = await page.evaluate(() => ({
      run: window.raftsim.app.lastRunView?.name ?? window.raftsim.app.sim.given_scenario().name,
      opened: document.querySelector('#search-failures li[data-seed="1"]').dataset.shrunkOpened,
      status: document.querySelector('#search-failures li[data-seed="1"] .shrink-status').textContent,
      focused: document.activeElement?.classList.contains("open-shrunk") ?? false,
    }));
    assert.equal(after.run, "classroom", "the run the person opened stays on screen");
    assert.equal(after.opened, "false");
    assert.match(after.status, /You opened another run meanwhile: open this one with the button below\.$/);
    assert.ok(after.focused, "the shrunk run's button is offered, focused");
    assertNoErrors(page);
    await page.close();
  }],

  ["any run exports: a command that replays to the trace hash on screen, and a test the CLI would write", async ({ open, shot, runTo, settle, clickNode, clickMenuButton, assertNoErrors }) => {
    const page = await open();
    await runTo(page, 2);
    const leader = await page.evaluate(() => Number(document.body.dataset.leader));
    assert.ok(leader > 0, "a leader by 2 s");
    await clickNode(page, leader);
    await clickMenuButton(page, "Crash");
    await runTo(page, 3);
    await settle(page);
    const hash = await page.$eval("#run-hash", (element) => element.textContent);
    const texts = await exported(page);
    const replayed = runExportedCommand(texts.command);
    assert.equal(traceHashOf(replayed), hash, "the command replays the run, the crash included, to the page's trace hash");
    assert.match(replayed, /no violation up to here/);
    const link = /'([^']+)'/.exec(texts.command)[1];
    assert.equal(texts.test, cli(["replay", "--rust-test", link], { allowStatus: [1] }));
    assert.match(texts.test, /const RUN: &str = r#"/, "a run with a user action is written out whole");
    assert.match(texts.note, /asserts that it (passes every check|fails)/);
    await shot(page, "54-export-any-run");
    assertNoErrors(page);
    await page.close();
  }],

  ["cancel stops the workers", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    await search(page, { first: 1, last: 2000, bugs: ["figure8_commit"] });
    await page.waitForFunction(() => window.raftsim.app.search?.done >= 200, { timeout: HUNT_WAIT_MS });
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "55-mid-hunt");
    await page.click("#search-cancel");
    const cancelled = await searchEnded(page, WAIT_MS);
    assert.equal(cancelled.state, "cancelled");
    assert.equal(cancelled.workers, 0, "every worker is terminated");
    assert.ok(cancelled.done < 2000, `cancelled before the end (${cancelled.done} seeds judged)`);
    await new Promise((done) => setTimeout(done, 1500));
    const later = await searchEnded(page, WAIT_MS);
    assert.equal(later.done, cancelled.done, "no seed is judged after the cancel");
    assert.equal(later.figures, cancelled.figures);
    assert.match(later.verdict, /^Cancelled after \d+ seeds? in /);
    assert.equal(await page.$eval("#search-start", (button) => button.disabled), false, "a new search may start");
    await shot(page, "55-cancelled");
    assertNoErrors(page);
    await page.close();
  }],

  ["the correct protocol fails no seed of the default range", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const form = await page.evaluate(() => ({
      scenario: document.getElementById("search-scenario").value,
      first: document.getElementById("search-first").value,
      last: document.getElementById("search-last").value,
      bugs: [...document.querySelectorAll("#search-bugs input:checked")].length,
    }));
    assert.deepEqual(form, { scenario: "swarm", first: "1", last: "200", bugs: 0 }, "the default search: swarm, seeds 1 to 200, no bug");
    const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (meta) => meta.content);
    assert.match(policy, /worker-src 'self'/);
    await page.evaluate(() => {
      window.cspViolations = [];
      document.addEventListener("securitypolicyviolation", (event) => window.cspViolations.push(event.violatedDirective));
    });
    await page.click("#search-start");
    const result = await searchEnded(page);
    assert.equal(result.state, "done");
    assert.equal(result.done, 200);
    assert.equal(result.failing, 0);
    assert.deepEqual(result.unknown, []);
    assert.deepEqual(result.rows, []);
    assert.match(result.verdict, /No seed failed: every check held on every seed judged\.$/);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), [], "the workers run under the page's Content-Security-Policy");
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "56-correct-protocol");
    assertNoErrors(page);
    await page.close();
  }],

  ["bad ranges and bug switches are refused next to their field", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const refused = async (form) => {
      await search(page, form);
      return page.evaluate(() => ({
        hunt: document.body.dataset.search,
        seeds: document.getElementById("search-seeds-error").hidden ? null : document.getElementById("search-seeds-error").textContent,
        bugs: document.getElementById("search-bugs-error").hidden ? null : document.getElementById("search-bugs-error").textContent,
      }));
    };
    assert.deepEqual(await refused({ first: 10, last: 5 }), { hunt: "idle", seeds: "The last seed is before the first.", bugs: null });
    assert.match((await refused({ first: "abc", last: 5 })).seeds, /^A seed is a whole number from 0 to 9007199254740991, not "abc"\.$/);
    assert.match((await refused({ first: 1, last: "9007199254740992" })).seeds, /^A seed is a whole number from 0 to 9007199254740991/);
    assert.equal((await refused({ first: 0, last: 100000000 })).seeds, "At most 100,000,000 seeds in one sweep.");
    await page.evaluate(() => document.getElementById("search-bugs").append(Object.assign(document.createElement("input"), { type: "checkbox", value: "no_such_bug" })));
    const both = await refused({ first: 10, last: 5, bugs: ["no_such_bug"] });
    assert.match(both.bugs, /^No bug named "no_such_bug"; the catalogue has figure8_commit, /);
    assert.equal(both.seeds, "The last seed is before the first.", "each problem next to its own field");
    assert.equal(both.hunt, "idle", "nothing started");
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "57-refused");
    assertNoErrors(page);
    await page.close();
  }],

  ["a sweep in damage-only mode finds what raftsim sweep --checks damage finds, by damage checks alone", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const modes = await page.$$eval("#search-checks option", (options) => options.map((option) => [option.value, option.textContent]));
    assert.deepEqual(modes.map(([value]) => value), ["full", "damage"], "the modes come from the engine, every check first");
    assert.equal(await page.$eval("#search-checks", (select) => select.value), "full", "every check by default");
    await search(page, { first: 1, last: 24, bugs: ["stale_vote_counted"], checks: "damage" });
    const found = await searchEnded(page);
    assert.equal(found.state, "done");
    const sweep = JSON.parse(readReport(["sweep", "--bug", "stale_vote_counted", "--checks", "damage", "--seeds", "1..24", "--quiet"]));
    const expected = sweep.failures.map((failure) => ({ seed: failure.seed, check: failure.check, event: failure.event, link: fragment(failure.link) }));
    assert.ok(expected.length > 0, "the CLI finds stale_vote_counted by its damage in seeds 1..24");
    assert.ok(expected.every(({ check }) => check !== "LeaderVotesInv"), "the rule check stays silent");
    assert.deepEqual(found.listed.sort((a, b) => a.seed - b.seed), expected, "the page judges each seed as raftsim sweep --checks damage does, links included");
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "59-hunt-damage");
    // Opened, the run says its mode, and the rule checks it kept quiet are not judged, never ✓.
    await page.click(`#search-failures li[data-seed="${expected[0].seed}"] .open-button`);
    await opened(page);
    const board = await page.evaluate(() => ({
      scenario: document.getElementById("run-scenario").textContent,
      rows: Object.fromEntries([...document.querySelectorAll("#checks li")].map((row) => [row.dataset.check, row.className])),
    }));
    assert.match(board.scenario, /damage checks only/);
    assert.match(board.rows[expected[0].check], /failed/);
    for (const rule of ["LeaderVotesInv", "LeaderCommitsOwnTermInv", "VoteDurableInv"]) {
      assert.match(board.rows[rule], /not_judged/, `${rule} is not judged in a damage-only run`);
    }
    await shot(page, "59-hunt-damage-opened");
    assertNoErrors(page);
    await page.close();
  }],

  ["a hunt runs raftsim hunt on each worker's part of the range, failure for failure, and a forked failure opens and shrinks", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const searches = await page.$$eval("#search-kind option", (options) => options.map((option) => option.value));
    assert.deepEqual(searches, ["sweep", "hunt"], "the searches come from the engine, the sweep first");
    await page.select("#search-kind", "hunt");
    assert.match(await page.$eval("#search-kind-about", (element) => element.textContent), /clones the world there/, "the chosen search is described in words");
    await search(page, { first: 1, last: 400, bugs: ["figure8_commit"], checks: "damage", kind: "hunt" });
    await searchEnded(page);
    const result = await page.evaluate(() => {
      const current = window.raftsim.app.search;
      return {
        state: document.body.dataset.search, done: current.done, forked: current.forked, states: current.signatures.size,
        parts: current.parts.map((part) => ({ shard: part.shard, runs: part.runs, forked: part.forked, events: part.events, signatures: part.signatures })),
        listed: current.listed.map((found) => ({ key: found.key, worker: found.worker, run: found.run, seed: found.seed, forks: found.forks, check: found.violation.invariant, event: found.violation.event, link: found.link })),
        rows: [...document.querySelectorAll("#search-failures li")].map((row) => ({ key: row.dataset.key, label: row.querySelector(".failure-seed").textContent })),
        figures: document.getElementById("search-figures").textContent, verdict: document.getElementById("search-verdict").textContent,
      };
    });
    assert.equal(result.state, "done");
    assert.equal(result.done, 400, "a hunt over 400 seeds takes 400 runs");
    assert.ok(result.forked > 0, "some runs are forks");
    let listed = 0;
    for (const [index, part] of result.parts.entries()) {
      const args = ["hunt", "--bug", "figure8_commit", "--checks", "damage", "--seeds-from", String(part.shard.seeds_from), "--runs", String(part.shard.runs), "--round", String(part.shard.round), "--hunt-seed", String(part.shard.hunt_seed), "--quiet", "--jobs", "1"];
      const native = JSON.parse(readReport(args));
      assert.deepEqual({ runs: part.runs, forked: part.forked, events: part.events, signatures: part.signatures },
        { runs: native.runs, forked: native.forked_runs, events: native.events, signatures: native.signatures }, `worker ${index + 1}'s part is raftsim ${args.join(" ")}`);
      const mine = result.listed.filter((found) => found.worker === index + 1);
      assert.deepEqual(mine.map(({ run, check, event, link }) => ({ run, check, event, link })),
        native.failures.map((failure) => ({ run: failure.run, check: failure.check, event: failure.event, link: fragment(failure.link) })), "the same failures, links (forks included) and all");
      listed += mine.length;
    }
    assert.equal(listed, result.listed.length);
    assert.ok(result.states >= Math.max(...result.parts.map((part) => part.signatures)), "the coverage shown is the parts' union");
    assert.match(result.figures, /^400 of 400 runs · [\d,]+ of them forks · [\d,]+ abstract states reached · /);
    const forked = result.listed.find((found) => found.forks > 0);
    assert.ok(forked, "figure8_commit is found in a forked run within 400 runs, by its damage alone");
    assert.match(result.verdict, /^Done: 400 runs, [\d,]+ of them forks, reaching [\d,]+ abstract states in [\d.]+ s\. \d+ failing \(/);
    const row = result.rows.find((shown) => shown.key === forked.key);
    assert.equal(row.label, `seed ${forked.seed}, forked ${forked.forks === 1 ? "once" : `${forked.forks} times`}`);
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "50-guided-found");

    const selector = `#search-failures li[data-key="${forked.key}"]`;
    await page.click(`${selector} .open-button`);
    await opened(page);
    const shown = await violationShown(page);
    assert.equal(shown.invariant, forked.check);
    assert.equal(shown.event, forked.event, "the forked run opens at its violating event");
    await page.click(`${selector} .shrink-button`);
    await page.waitForFunction((wanted) => document.querySelector(wanted).dataset.shrink === "done", { timeout: HUNT_WAIT_MS }, selector);
    const shrunk = await page.$eval(selector, (element) => element.dataset.shrunkLink);
    const nativeLink = /^replay: (.+)$/m.exec(cli(["shrink", forked.link]))[1];
    assert.equal(shrunk, fragment(nativeLink), "a forked run shrinks in the browser as raftsim shrink shrinks it");
    assertNoErrors(page);
    await page.close();
  }],

  ["a seed whose engine panics is listed as a Panic with its link, and the search carries on", async ({ open, shot }) => {
    // On wasm a panic kills the worker's engine: the page names the seed it was on. The engine
    // is made to panic in seed 7 (the page's test hook, as fail_at_event_for_testing is).
    const page = await open();
    await page.evaluate(() => { window.raftsim.app.searchPanicAtSeedForTesting = 7; });
    await search(page, { first: 1, last: 12 });
    const swept = await searchEnded(page);
    assert.equal(swept.state, "done");
    assert.equal(swept.done, 12, "every other seed was judged");
    assert.deepEqual(swept.rows, [{ seed: 7, check: "Panic" }]);
    assert.match(swept.listed[0].link, /^r1~/, "the seed's link");
    assert.match(swept.verdict, /1 panicked \(the engine panicked: a bug in raftsim/);
    assert.equal(swept.failing, 0, "no check failed; the panic is listed apart, and the verdict is not a pass");
    const why = await page.$eval('#search-failures li[data-check="Panic"] .failure-why', (element) => element.textContent);
    assert.match(why, /the page's test asked for a panic in seed 7/, "the engine's panic message");
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    await shot(page, "58-panic-sweep");

    await search(page, { first: 1, last: 40, kind: "hunt" });
    const hunted = await searchEnded(page);
    assert.equal(hunted.state, "done");
    const panics = hunted.rows.filter((row) => row.check === "Panic");
    assert.deepEqual(panics, [{ seed: 7, check: "Panic" }], "the run the dead worker was on, by its seed");
    const workers = await page.evaluate(() => window.raftsim.app.search.workersUsed);
    if (workers > 1) {
      assert.ok(hunted.done > 7, `the other parts went on (${hunted.done} runs)`);
      assert.match(hunted.verdict, /stopped there; the others went on/);
    }
    await page.evaluate(() => { window.raftsim.app.searchPanicAtSeedForTesting = null; });
    await page.close();
  }],

  ["a long shrink shows its progress and can be cancelled", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    // Nine nodes, 24 clients and 30 s of faults: seed 8 fails late (at 23 s), and its shrink takes
    // seconds natively (the figure8_commit bug on).
    await page.evaluate(() => {
      const scenario = window.raftsim.app.wasm.preset("swarm");
      Object.assign(scenario, { name: "heavy", nodes: 9 });
      scenario.nemesis.swarm_cluster = false;
      scenario.workload.clients = 24;
      scenario.phases.safety_us = 30_000_000;
      scenario.protocol.bugs.figure8_commit = true;
      window.raftsim.start(scenario);
    });
    await search(page, { scenario: "", first: 8, last: 8, bugs: ["figure8_commit"] });
    const found = await searchEnded(page);
    assert.deepEqual(found.rows.map((row) => row.seed), [8]);
    await page.click('#search-failures li[data-seed="8"] .shrink-button');
    await page.waitForFunction(() => /^Rerun \d+ .*[1-9]\d* simplifications? kept/.test(document.querySelector('#search-failures li[data-seed="8"] .shrink-status').textContent), { timeout: HUNT_WAIT_MS });
    await page.evaluate(() => document.querySelector('#search-failures li[data-seed="8"]').scrollIntoView());
    await shot(page, "58-shrinking");
    await page.click('#search-failures li[data-seed="8"] .shrink-button');
    const state = await page.$eval('#search-failures li[data-seed="8"]', (row) => ({ shrink: row.dataset.shrink, button: row.querySelector(".shrink-button").textContent, status: row.querySelector(".shrink-status").textContent }));
    assert.deepEqual(state, { shrink: "cancelled", button: "Shrink", status: "Shrink cancelled." });
    assertNoErrors(page);
    await page.close();
  }],

  ["the panel and the export dialog at 600 px", async ({ open, shot, assertNoErrors }) => {
    const page = await open("?paused", { width: 600, height: 900 });
    await search(page, { first: 1, last: 6, bugs: ["vote_before_durable"] });
    const found = await searchEnded(page);
    assert.ok(found.failing > 0);
    await page.evaluate(() => document.getElementById("panel-search").scrollIntoView());
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "nothing overflows sideways");
    await shot(page, "59-narrow-hunt");
    await page.evaluate(() => window.scrollTo(0, 0));
    await exported(page);
    await shot(page, "59-narrow-export");
    assertNoErrors(page);
    await page.close();
  }],
];

/** `raftsim sweep … --json FILE`, read back. */
function readReport(args) {
  const file = join(scratchDirectory("raftsim-sweep-"), "report.json");
  cli([...args, "--json", file], { allowStatus: [1] });
  return readFileSync(file, "utf8");
}

runCases("search, shrink and export", CASES);
