// The client-history panel, end to end in Chromium and Firefox: the run's timeline follows the
// scrubber with a live verdict checked in a worker, clicking an operation goes to it, Jepsen
// files from ../shared/data/histories open with their labelled verdicts and counterexamples,
// dropped files are read, and a malformed file is refused with its line.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDirectory, text } from "./harness.mjs";
import { ROOT, WAIT_MS, link, runCases } from "./cases.mjs";

const HISTORIES = join(ROOT, "..", "shared", "data", "histories");
/** The labelled verdicts, by file: "linearizable" or "not-linearizable". */
const LABELS = new Map(
  text(join(HISTORIES, "labels.tsv"))
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => line.split("\t").map((field) => field.trim())),
);
/** "st", "nd", "rd" or "th" after `number`. */
function ordinalSuffix(number) {
  if (Math.floor(number / 10) % 10 === 1) return "th";
  return { 1: "st", 2: "nd", 3: "rd" }[number % 10] ?? "th";
}

/** Writers in the hard history: enough that its search outgrows the page's 128 MiB, few enough
 * that 1 GiB settles it. */
const HARD_WRITERS = 16;
const EXPECTED_KIND = { linearizable: "ok", "not-linearizable": "bad" };

/** Brings the panel into view, for a screenshot that shows it. */
async function reveal(page) {
  await page.$eval("#panel-history", (panel) => panel.scrollIntoView({ block: "start" }));
}

async function historyState(page) {
  return page.evaluate(() => window.raftsim.history());
}

/** Waits until the run's verdict is an answer for the history as it now stands. */
async function settledVerdict(page) {
  await page.waitForFunction(() => {
    const state = window.raftsim.history();
    return state.runResult && !state.verdict.includes("checking it again") && state.verdictKind !== "wait";
  }, { timeout: WAIT_MS });
  return historyState(page);
}

/** Opens `path` through the panel's file input and waits for its verdict or its refusal. */
async function openFile(page, path) {
  const before = await page.evaluate(() => window.raftsim.history().metrics.fileChecks);
  const input = await page.$("#history-file");
  await input.uploadFile(path);
  await page.waitForFunction(
    (previous) => {
      const state = window.raftsim.history();
      const refused = !document.getElementById("history-error").hidden;
      return refused || (state.fileResult && state.metrics.fileChecks !== previous && state.verdictKind !== "wait");
    },
    { timeout: WAIT_MS },
    before,
  );
  return historyState(page);
}

/** Chooses `model` in the file bar's Model list and waits for the check that follows to end
 * (an answer, a refusal or a failure: anything but "checking"). */
async function chooseModel(page, model) {
  const before = await page.evaluate(() => window.raftsim.history().metrics.fileChecks);
  await page.select("#history-model", model);
  await page.waitForFunction(
    (previous) => {
      const state = window.raftsim.history();
      return state.metrics.fileChecks !== previous && state.verdictKind !== "wait";
    },
    { timeout: WAIT_MS },
    before,
  );
  return historyState(page);
}

/** Keeps what the page saves (the Blob behind a download link) instead of downloading it:
 * `window.savedFiles` collects `{name, text}`. */
async function catchSaves(page) {
  await page.evaluate(() => {
    window.savedFiles = [];
    const create = URL.createObjectURL.bind(URL);
    const blobs = new Map();
    URL.createObjectURL = (blob) => {
      const url = create(blob);
      blobs.set(url, blob);
      return url;
    };
    HTMLAnchorElement.prototype.click = function click() {
      const blob = blobs.get(this.href);
      if (blob && this.download) blob.text().then((text) => window.savedFiles.push({ name: this.download, text }));
    };
  });
}

/** Clicks `button` and returns the file it saved. */
async function saved(page, button) {
  const before = await page.evaluate(() => window.savedFiles.length);
  await page.click(button);
  await page.waitForFunction((count) => window.savedFiles.length > count, { timeout: WAIT_MS }, before);
  return page.evaluate(() => window.savedFiles.at(-1));
}

/** Drops a file holding `content` on the panel and waits for its verdict. */
async function dropFile(page, name, content) {
  const before = await page.evaluate(() => window.raftsim.history().metrics.fileChecks);
  await page.evaluate((fileName, fileText) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([fileText], fileName, { type: "text/plain" }));
    const target = document.getElementById("history-drop");
    target.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: transfer }));
    target.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }, name, content);
  await page.waitForFunction((previous) => {
    const state = window.raftsim.history();
    return state.file && state.metrics.fileChecks !== previous && state.verdictKind !== "wait";
  }, { timeout: WAIT_MS }, before);
  return historyState(page);
}

/** A key-value history the checker cannot settle within the page's usual memory: `writers`
 * concurrent puts of long values on one key, then two gets after them all, of the first value
 * and then of the second. No order explains both gets, and finding that out visits every subset
 * of the puts (long values make each state cost more of the budget, so it runs out sooner). */
function hardHistory(writers) {
  const value = (number) => `${number}-${"x".repeat(200)}`;
  const line = (process, type, f, written) => `{:process ${process}, :type :${type}, :f :${f}, :key "k", :value ${written}}`;
  const lines = [];
  for (let process = 0; process < writers; process += 1) lines.push(line(process, "invoke", "put", `"${value(process + 1)}"`));
  for (let process = 0; process < writers; process += 1) lines.push(line(process, "ok", "put", `"${value(process + 1)}"`));
  for (const seen of [1, 2]) lines.push(line(writers, "invoke", "get", "nil"), line(writers, "ok", "get", `"${value(seen)}"`));
  return `${lines.join("\n")}\n`;
}

const CASES = [
  ["shows the run's operations on a timeline that follows the scrubber, with a live verdict", async ({ open, shot, runTo, assertNoErrors }) => {
    const page = await open();
    await runTo(page, 8);
    const later = await settledVerdict(page);
    assert.equal(later.verdictKind, "ok", later.verdict);
    assert.match(later.verdict, /Linearizable so far/);
    assert.ok(later.runResult.operations > 4, `operations by 8 s: ${later.runResult.operations}`);
    assert.ok(later.follow, "the timeline follows now");
    assert.ok(later.window.start < 8e6 && later.window.end >= 8e6, `the window ${JSON.stringify(later.window)} holds now`);
    await reveal(page);
    await shot(page, "30-history-run");
    await runTo(page, 3);
    const earlier = await settledVerdict(page);
    assert.ok(earlier.runResult.operations < later.runResult.operations, "going back checks the shorter history");
    assert.ok(earlier.window.end < later.window.end, "the window went back with the scrubber");
    assertNoErrors(page);
    await page.close();
  }],

  ["clicking an operation goes to its call", async ({ open, runTo, assertNoErrors }) => {
    const page = await open();
    await runTo(page, 8);
    await page.$eval("#history", (canvas) => canvas.scrollIntoView({ block: "center" }));
    const target = await page.evaluate(() => {
      const sim = window.raftsim.app.sim;
      const { start, end } = window.raftsim.history().window;
      const canvas = document.getElementById("history");
      const box = canvas.getBoundingClientRect();
      for (let position = 200; position >= 0; position -= 1) {
        const op = sim.history_op(position);
        if (!op || op.end == null || op.invoke < start + 200_000 || op.end > end) continue;
        const { x, y } = window.raftsim.app.history.op_point_run(sim, position);
        return { op, x: box.left + x, y: box.top + y };
      }
      return null;
    });
    assert.ok(target, "an answered operation in view");
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((invoke) => window.raftsim.app.sim.now_us() === invoke && window.raftsim.app.travelTo === null, { timeout: WAIT_MS }, target.op.invoke);
    assertNoErrors(page);
    await page.close();
  }],

  ["opens Jepsen histories from the shared set with their labelled verdicts", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    for (const name of ["jepsen-etcd/etcd_000.log", "jepsen-etcd/etcd_002.log", "kv/c01-bad.txt"]) {
      const expected = LABELS.get(name);
      assert.ok(expected, `${name} is labelled`);
      const state = await openFile(page, join(HISTORIES, name));
      assert.equal(state.verdictKind, EXPECTED_KIND[expected], `${name}: ${state.verdict}`);
      assert.equal(state.file, name.split("/").at(-1));
      if (expected === "not-linearizable") {
        assert.ok(state.fileResult.counterexample.cannot_go_next.length > 0);
        assert.match(state.verdict, /^✗ Not linearizable at /);
        const culprits = await page.$$eval("#history-culprits li", (items) => items.map((item) => item.textContent));
        assert.ok(culprits.some((line) => line.startsWith("cannot go next:")), culprits.join(" | "));
        await reveal(page);
      await shot(page, name.includes("etcd") ? "31-history-file-counterexample" : "32-history-kv-counterexample");
      }
    }
    await page.click("#history-back");
    const back = await historyState(page);
    assert.equal(back.file, null, "back to the run");
    assertNoErrors(page);
    await page.close();
  }],

  ["refuses a malformed file with its line, and reads a dropped one", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const directory = scratchDirectory("raftsim-history-");
    const bad = join(directory, "bad.log");
    writeFileSync(bad, "INFO  jepsen.util - 0\t:invoke\t:write\t3\nINFO  jepsen.util - 0\t:teleport\t:write\t3\n");
    const refused = await openFile(page, bad);
    const error = await page.$eval("#history-error", (element) => element.textContent);
    assert.match(error, /line 2/, error);
    assert.equal(refused.file, null, "a refused file is not opened");
    await reveal(page);
    await shot(page, "33-history-file-refused");
    const dropped = text(join(HISTORIES, "jepsen-etcd", "etcd_002.log"));
    await page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], "dropped.log", { type: "text/plain" }));
      const target = document.getElementById("history-drop");
      target.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: transfer }));
      target.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }, dropped);
    await page.waitForFunction(() => window.raftsim.history().fileResult?.verdict, { timeout: WAIT_MS });
    const state = await historyState(page);
    assert.equal(state.file, "dropped.log");
    assert.equal(state.verdictKind, "ok", state.verdict);
    assert.ok(await page.$eval("#history-error", (element) => element.hidden), "the earlier error is gone");
    assertNoErrors(page);
    await page.close();
  }],
  ["a refused model ends the check in the page's words, a new file starts from its format's model, and a check can be cancelled", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    await openFile(page, join(HISTORIES, "jepsen-etcd", "etcd_000.log"));
    const register = await chooseModel(page, "register");
    assert.equal(register.fileResult.model, "register", register.verdict);
    // The steps: a key-value file opened after "register" was chosen for a log.
    const kv = await openFile(page, join(HISTORIES, "kv", "c10-ok.txt"));
    assert.equal(await page.$eval("#history-model", (select) => select.value), "", "a new file starts from the model its format implies");
    assert.equal(kv.verdictKind, "ok", kv.verdict);
    assert.equal(kv.fileResult.model, "kv");
    const refused = await chooseModel(page, "register");
    const error = await page.$eval("#history-error", (element) => (element.hidden ? "" : element.textContent));
    assert.equal(refused.verdictKind, "refused", refused.verdict);
    assert.match(refused.verdict, /^Not checked: line \d+, append .*: the register model has no append\. Choose the key-value model/, refused.verdict);
    assert.doesNotMatch(refused.verdict + error, /--|model kv/, "no command-line flags in the page's words");
    assert.equal(refused.checking, false, "the check has ended");
    assert.ok(await page.$eval("#history-cancel", (button) => button.hidden), "nothing left to cancel");
    await reveal(page);
    await shot(page, "34-history-model-refused");
    // Cancel the next check before its worker can answer: the button is clicked as soon as it
    // shows (a microtask, before any message from the worker can arrive).
    await page.evaluate(() => new Promise((resolve) => {
      const button = document.getElementById("history-cancel");
      new MutationObserver((_, observer) => {
        if (button.hidden) return;
        observer.disconnect();
        button.click();
        resolve();
      }).observe(button, { attributes: true });
      const select = /** @type {HTMLSelectElement} */ (document.getElementById("history-model"));
      select.value = "kv";
      select.dispatchEvent(new Event("change"));
    }));
    const cancelled = await historyState(page);
    assert.equal(cancelled.verdictKind, "unknown", cancelled.verdict);
    assert.match(cancelled.verdict, /cancelled.*worker was stopped/, cancelled.verdict);
    assert.equal(cancelled.checking, false);
    assert.equal(cancelled.checkWorkerAlive, false, "the check's worker is terminated");
    assert.ok(await page.$eval("#history-cancel", (button) => button.hidden), "the Cancel button goes with the check");
    await shot(page, "35-history-check-cancelled");
    const again = await page.evaluate(() => window.raftsim.history().metrics.fileChecks);
    await page.click("#history-recheck");
    await page.waitForFunction((previous) => window.raftsim.history().metrics.fileChecks !== previous, { timeout: WAIT_MS }, again);
    const rechecked = await historyState(page);
    assert.equal(rechecked.verdictKind, "ok", `checked again: ${rechecked.verdict}`);
    assert.ok(await page.$eval("#history-recheck", (button) => button.hidden));
    assertNoErrors(page);
    await page.close();
  }],
  ["the live check of the run can be cancelled, and stays off until asked again", async ({ open, shot, runTo, assertNoErrors }) => {
    const page = await open();
    await runTo(page, 4);
    await settledVerdict(page);
    // The Cancel button shows only while a live check has run a while (most take a few ms);
    // its action is the same whenever it is clicked.
    await page.$eval("#history-cancel", (button) => button.click());
    const cancelled = await historyState(page);
    assert.equal(cancelled.runCheckCancelled, true);
    assert.equal(cancelled.checkWorkerAlive, false, "the live check's worker is terminated");
    assert.match(cancelled.verdict, /^The live check was cancelled and its worker was stopped/, cancelled.verdict);
    const checks = cancelled.metrics.runChecks;
    await runTo(page, 8);
    const later = await historyState(page);
    assert.equal(later.metrics.runChecks, checks, "no check while cancelled");
    assert.equal(later.verdictKind, "unknown", later.verdict);
    assert.ok(!(await page.$eval("#history-recheck", (button) => button.hidden)), "Check again is offered");
    await page.$eval("#panel-history", (panel) => panel.scrollIntoView({ block: "start" }));
    await shot(page, "36-history-live-check-cancelled");
    await page.click("#history-recheck");
    const resumed = await settledVerdict(page);
    assert.equal(resumed.verdictKind, "ok", resumed.verdict);
    assert.ok(resumed.metrics.runChecks > checks, "checking again");
    assert.ok(await page.$eval("#history-recheck", (button) => button.hidden));
    assertNoErrors(page);
    await page.close();
  }],
  ["saves the run's history as EDN and as a Jepsen log, which open here again with the same verdict", async ({ open, shot, runTo, assertNoErrors }) => {
    let page = await open();
    await runTo(page, 8);
    const live = await settledVerdict(page);
    await catchSaves(page);
    const edn = await saved(page, "#history-save-edn");
    assert.match(edn.name, /^raftsim-[a-z0-9-]+-seed-\d+-event-\d+-history\.edn$/, edn.name);
    assert.match(edn.text, /:f :cas, :key "\d+", :value \["/, "the run's compare-and-sets are written");
    const reopened = await dropFile(page, edn.name, edn.text);
    assert.equal(reopened.fileResult.model, "kv");
    assert.equal(reopened.fileResult.operations, live.runResult.operations, "the same operations");
    assert.equal(reopened.fileResult.verdict, live.runResult.verdict, reopened.verdict);
    await page.click("#history-back");
    await page.click("#history-save-log");
    const refused = await page.$eval("#history-error", (element) => element.textContent);
    assert.match(refused, /^The history cannot be saved as a Jepsen log: a Jepsen log holds one register, and this history has \d+ keys\. Save it as EDN/, refused);
    await reveal(page);
    await shot(page, "37-history-save-log-refused");
    await page.close();

    // A run of one key with gets and puts fits a log: one register.
    page = await open();
    const scenario = await page.evaluate(() => window.raftsim.app.wasm.preset("calm-election"));
    await page.close();
    scenario.workload = { ...scenario.workload, keys: 1, mix: [1, 1, 0, 0] };
    page = await open(`?paused#${link({ scenario, actions: [] })}`);
    await runTo(page, 8);
    const register = await settledVerdict(page);
    await catchSaves(page);
    const log = await saved(page, "#history-save-log");
    assert.match(log.name, /-history\.log$/, log.name);
    assert.match(log.text, /^INFO {2}jepsen\.util - \d+ +:invoke :(read|write)/, log.text.slice(0, 80));
    const logVerdict = await dropFile(page, log.name, log.text);
    assert.equal(logVerdict.fileResult.model, "register");
    assert.equal(logVerdict.fileResult.operations, register.runResult.operations);
    assert.equal(logVerdict.fileResult.verdict, register.runResult.verdict, logVerdict.verdict);
    await reveal(page);
    await shot(page, "38-history-saved-log-reopened");
    assertNoErrors(page);
    await page.close();
  }],
  ["an unknown verdict can be checked again with a larger budget, its memory said first", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const path = join(scratchDirectory("raftsim-history-"), "hard.edn");
    writeFileSync(path, hardHistory(HARD_WRITERS));
    const usual = await openFile(page, path);
    assert.equal(usual.verdictKind, "unknown", usual.verdict);
    assert.match(usual.verdict, /^\? Unknown: the checker's budget of memory ran out/, usual.verdict);
    assert.ok(!(await page.$eval("#history-raise", (button) => button.hidden)), "a larger budget is offered");
    const note = await page.$eval("#history-raise-note", (element) => (element.hidden ? "" : element.textContent));
    assert.match(note, /1 GiB for the search's tables instead of 128 MiB\. It may take minutes, and up to about 1\.5 GiB of this tab's memory/, note);
    await reveal(page);
    await shot(page, "39-history-raise-offered");
    const before = usual.metrics.fileChecks;
    await page.click("#history-raise");
    await page.waitForFunction((previous) => {
      const state = window.raftsim.history();
      return state.metrics.fileChecks !== previous && state.verdictKind !== "wait";
    }, { timeout: 4 * WAIT_MS }, before);
    const raised = await historyState(page);
    assert.equal(raised.fileResult.raised, true);
    assert.equal(raised.verdictKind, "bad", raised.verdict);
    assert.match(raised.verdict, /checked with the larger budget in/, raised.verdict);
    assert.equal(raised.checkWorkerAlive, false, "the raised check's worker, and its memory, are gone");
    assert.ok(await page.$eval("#history-raise", (button) => button.hidden), "no second raise for an answer");
    await shot(page, "40-history-raised-answer");
    assertNoErrors(page);
    await page.close();
  }],
  ["hovering a point of a counterexample's longest order shows the state there", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const state = await openFile(page, join(HISTORIES, "jepsen-etcd", "etcd_000.log"));
    const counterexample = state.fileResult.counterexample;
    const order = counterexample.longest_prefix;
    assert.ok(order.length > 2, "a longest order to hover");
    await page.$eval("#history", (canvas) => canvas.scrollIntoView({ block: "center" }));
    /** Hovers the file's operation at `position` and returns the tooltip's lines. */
    const hover = async (position) => {
      await page.evaluate((at) => window.raftsim.historyOpPoint(at), position);
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const point = await page.evaluate((at) => window.raftsim.historyOpPoint(at), position);
      assert.ok(point, `operation ${position} is drawn`);
      await page.mouse.move(point.x, point.y);
      await page.waitForFunction(() => !document.getElementById("history-tip").hidden, { timeout: WAIT_MS });
      return page.$$eval("#history-tip > *", (lines) => lines.map((line) => line.textContent));
    };
    const last = await hover(order.at(-1));
    const lastLine = last.find((line) => line.includes("longest order"));
    assert.equal(lastLine, `${order.length}${ordinalSuffix(order.length)} of the ${order.length} in the longest order found; once it has taken effect, ${counterexample.state_after_prefix}.`, last.join(" | "));
    const tipText = await page.$eval("#history-tip", (tip) => tip.textContent);
    assert.doesNotMatch(tipText, /null/, "no missing line written as \"null\"");
    await shot(page, "41-history-order-point");
    const first = await hover(order[0]);
    assert.match(first.join(" | "), new RegExp(`1st of the ${order.length} in the longest order found; once it has taken effect, the register holds`), first.join(" | "));
    const outside = counterexample.cannot_go_next[0];
    const blocked = await hover(outside);
    assert.ok(!blocked.some((line) => line.includes("longest order")), `an operation outside the order has no place: ${blocked.join(" | ")}`);
    assertNoErrors(page);
    await page.close();
  }],
  ["a file's rows are its clients, and an operation says which Jepsen process it ran as", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    await openFile(page, join(HISTORIES, "jepsen-etcd", "etcd_000.log"));
    const rows = await page.evaluate(() => window.raftsim.historyRows());
    assert.ok(rows.length > 1 && rows.every((name) => /^client \d+$/.test(name)), rows.join(" | "));
    const culprits = await page.$$eval("#history-culprits li", (items) => items.map((item) => item.textContent));
    for (const line of culprits) {
      assert.match(line, /\(client \d+, Jepsen's process \d+/, line);
      assert.doesNotMatch(line, /\bp\d+\b/, `no bare process names: ${line}`);
    }
    // A client that went on under a new number says so in words.
    const renumbered = await page.evaluate(() => {
      const file = window.raftsim.historyFileOps();
      return file.find((op) => /number [2-9]\d* of/.test(op.row))?.row ?? null;
    });
    assert.match(renumbered ?? "", /^client \d+, Jepsen's process \d+ \(its number \d+ of \d+: a client takes a new one after an answer it never got\)$/, renumbered ?? "none renumbered");
    await reveal(page);
    await shot(page, "42-history-file-clients");
    assertNoErrors(page);
    await page.close();
  }],
  ["at 400 px the panel's buttons, verdict and budget note fit the width", async ({ open, shot, assertNoErrors }) => {
    const page = await open("?paused", { width: 400, height: 900 });
    await catchSaves(page);
    const path = join(scratchDirectory("raftsim-history-"), "hard.edn");
    writeFileSync(path, hardHistory(HARD_WRITERS));
    const usual = await openFile(page, path);
    assert.equal(usual.verdictKind, "unknown", usual.verdict);
    const overflow = await page.evaluate(() => {
      const panel = document.getElementById("panel-history").getBoundingClientRect();
      const wide = [...document.querySelectorAll("#panel-history button, #history-verdict, #history-raise-note")]
        .filter((element) => !element.closest("[hidden]") && element.getBoundingClientRect().right > panel.right + 1)
        .map((element) => element.id || element.textContent);
      return { wide, page: document.documentElement.scrollWidth };
    });
    assert.deepEqual(overflow.wide, [], "nothing runs past the panel");
    assert.ok(overflow.page <= 400, `the page is ${overflow.page} px wide`);
    await page.$eval("#history-verdict", (element) => element.scrollIntoView({ block: "start" }));
    await shot(page, "43-history-narrow-raise");
    assertNoErrors(page);
    await page.close();
  }],
  ["an operation of the run says where its command is in the logs, and a log entry leads back to it", async ({ open, shot, runTo, assertNoErrors }) => {
    const page = await open();
    await runTo(page, 8);
    await settledVerdict(page);
    const found = await page.evaluate(() => {
      const sim = window.raftsim.app.sim;
      const { start } = window.raftsim.history().window;
      for (let position = 0; position < 400; position += 1) {
        const op = sim.history_op(position);
        if (!op || op.invoke < start + 200_000) continue;
        const place = sim.history_log_place(position);
        if (place?.committed) return { position, place };
      }
      return null;
    });
    assert.ok(found, "an operation in view whose command is committed");
    await page.$eval("#history", (canvas) => canvas.scrollIntoView({ block: "center" }));
    const point = await page.evaluate((position) => window.raftsim.historyOpPoint(position), found.position);
    await page.mouse.move(point.x, point.y);
    await page.waitForFunction(() => !document.getElementById("history-tip").hidden, { timeout: WAIT_MS });
    const tip = await page.$eval("#history-tip", (element) => element.textContent);
    const { node, index, term } = found.place;
    assert.ok(tip.includes(`In the logs: S${node}'s entry ${index} (term ${term}), committed.`), tip);
    await shot(page, "44-history-op-log-entry");

    // Back: a log entry that carries a command names its operation, and a click shows it.
    await page.$eval("#logs", (canvas) => canvas.scrollIntoView({ block: "center" }));
    const cell = await page.evaluate(() => {
      const canvas = document.getElementById("logs");
      const box = canvas.getBoundingClientRect();
      for (let y = 20; y < box.height; y += 7) {
        for (let x = box.width - 20; x > 100; x -= 6) {
          // Well inside a cell: a browser may round the pointer to whole pixels.
          const entry = window.raftsim.app.sim.log_entry_at(x, y, box.width);
          const inside = window.raftsim.app.sim.log_entry_at(x - 12, y + 6, box.width);
          if (entry?.operation != null && inside?.index === entry.index && inside.node === entry.node) {
            return { x: Math.round(box.left + x - 6), y: Math.round(box.top + y + 3), entry };
          }
        }
      }
      return null;
    });
    assert.ok(cell, "a log entry with a command in view");
    await page.mouse.move(cell.x, cell.y);
    await page.waitForFunction(() => !document.getElementById("log-tip").hidden, { timeout: WAIT_MS });
    const logTip = await page.$eval("#log-tip", (element) => element.textContent);
    const op = await page.evaluate((position) => window.raftsim.app.sim.history_op(position), cell.entry.operation);
    assert.ok(logTip.includes(`In the client history: ${op.label}, called at`), logTip);
    await shot(page, "45-log-entry-operation");
    await page.mouse.click(cell.x, cell.y);
    await page.waitForFunction((invoke) => {
      const { start, end } = window.raftsim.history().window;
      return start <= invoke && invoke <= end && !window.raftsim.history().follow;
    }, { timeout: WAIT_MS }, op.invoke);
    assertNoErrors(page);
    await page.close();
  }],
];

runCases("the client history", CASES);
