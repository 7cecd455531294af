// The page, end to end, in Chromium (CDP) and Firefox ESR (WebDriver BiDi), against web/ served
// on 127.0.0.1 by the test itself. Run by `./dev test page` (node --test). Every case saves a
// screenshot under target/e2e/<browser>/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, WAIT_MS, link, runCases } from "./cases.mjs";

/** The cases, each run in every browser with a fresh set of pages. */
const CASES = [
  ["loads, plays by itself and elects a leader", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open("");
    await page.waitForFunction(() => Number(document.body.dataset.leader) > 0, { timeout: WAIT_MS });
    const now = await state(page);
    assert.ok(now.events > 0);
    assert.equal(now.nodes.filter((node) => node.role === "leader").length, 1);
    // The newcomer is greeted at the first leader: the run pauses there, and says so.
    await page.waitForFunction(() => document.body.dataset.greeted === "true", { timeout: WAIT_MS });
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "false");
    const greeting = await page.$eval('#notices .notice[data-id="greeting"] p', (element) => element.textContent);
    assert.match(greeting, new RegExp(`^S${now.leader} has just been elected leader of term 1`));
    assert.match(greeting, /◀ step/);
    // Checks judged later (after the heal, at the end) are pending: the summary says so, and
    // is not green while they are.
    const summary = await page.$eval("#checks-summary", (element) => ({ text: element.textContent, tone: element.className }));
    assert.match(summary.text, /^\d+ of \d+ hold so far; \d+ judged later/);
    assert.equal(summary.tone, "summary pending");
    await shot(page, "01-leader-elected");
    await page.click("#play");
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "true");
    const greeted = (await state(page)).events;
    await page.waitForFunction((from) => window.raftsim.app.sim.events() > from, { timeout: WAIT_MS }, greeted);
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "true", "the greeting pauses once");
    assertNoErrors(page);
    await page.close();
  }],

  ["plays and pauses", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "false");
    const paused = (await state(page)).events;
    await new Promise((done) => setTimeout(done, 400));
    assert.equal((await state(page)).events, paused, "nothing moves while paused");
    await setSpeed(page, "real time");
    await page.click("#play");
    await page.waitForFunction((from) => window.raftsim.app.sim.events() > from + 20, { timeout: WAIT_MS }, paused);
    await page.click("#play");
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "false");
    const stopped = (await state(page)).events;
    await new Promise((done) => setTimeout(done, 400));
    assert.equal((await state(page)).events, stopped);
    await shot(page, "02-paused");
    assertNoErrors(page);
    await page.close();
  }],

  ["crashes the leader from its menu and sees a new one elected", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 3);
    const before = await state(page);
    assert.ok(before.leader > 0, "a leader by 3 s");
    await clickNode(page, before.leader);
    await shot(page, "03-node-menu");
    await clickMenuButton(page, "Crash");
    await settle(page);
    const crashed = await state(page);
    assert.equal(crashed.nodes[before.leader - 1].role, "down");
    await runTo(page, 6);
    const after = await state(page);
    assert.ok(after.leader > 0 && after.leader !== before.leader, `a new leader (was S${before.leader}, now S${after.leader})`);
    await shot(page, "03-new-leader");
    assertNoErrors(page);
    await page.close();
  }],

  ["partitions a minority away, sees the majority go on, and heals", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 3);
    await page.click('[data-partition="majority-minority"]');
    const cut = await page.evaluate(() => window.raftsim.app.sim.is_cut(1, 5) && window.raftsim.app.sim.is_cut(5, 1) && !window.raftsim.app.sim.is_cut(1, 2));
    assert.ok(cut, "S5 is cut off from S1 both ways, S1 still reaches S2");
    await runTo(page, 8);
    await shot(page, "04-partitioned");
    const during = await state(page);
    assert.ok(during.leader > 0 && during.leader <= 3, "the majority side {1, 2, 3} has the leader");
    await page.click('[data-partition="heal"]');
    assert.equal(await page.evaluate(() => window.raftsim.app.sim.is_cut(1, 5)), false);
    await runTo(page, 12);
    const healed = await page.evaluate(() => window.raftsim.app.sim.node_lines());
    const terms = new Set(healed.map((node) => node.term));
    const commits = new Set(healed.map((node) => node.commit_index));
    assert.equal(terms.size, 1, "every node agrees on the term after the heal");
    assert.equal(commits.size, 1, "every node has committed the same entries after the heal");
    await shot(page, "04-healed");
    assertNoErrors(page);
    await page.close();
  }],

  ["after the heal, the phase names what the user has broken since; healing the network leaves a crashed server down", async ({ open, shot, state, runTo, settle, clickNode, clickMenuButton, assertNoErrors }) => {
    const page = await open();
    const heal = await page.evaluate(() => window.raftsim.app.sim.run_view().heal_us / 1e6);
    await runTo(page, heal + 1);
    const phase = () => page.evaluate(() => document.getElementById("run-phase").textContent);
    assert.match(await phase(), /^recovery: every fault was healed at \d+ s; liveness is being checked$/);
    await clickNode(page, 2);
    await clickMenuButton(page, "Crash");
    await settle(page);
    await page.keyboard.press("Escape");
    await page.click('[data-partition="majority-minority"]');
    await settle(page);
    assert.match(await phase(), /though you have since left 1 server down and \d+ links cut$/);
    await page.click('[data-partition="heal"]');
    await settle(page);
    assert.match(await phase(), /though you have since left 1 server down$/, "the network heal reconnects links only");
    assert.equal((await state(page)).nodes[1].role, "down");
    await shot(page, "05-recovery-words");
    assertNoErrors(page);
    await page.close();
  }],

  ["every check on the board says in plain words what it means", async ({ open, assertNoErrors }) => {
    const page = await open();
    const rows = await page.evaluate(() => [...document.querySelectorAll("#checks li")].map((row) => ({
      name: row.dataset.check, gloss: row.querySelector(".gloss")?.textContent ?? "" })));
    assert.ok(rows.length >= 20, "the board lists every check");
    for (const { name, gloss } of rows) assert.ok(gloss.split(" ").length >= 3, `${name} has plain words: "${gloss}"`);
    assert.equal(new Set(rows.map((row) => row.gloss)).size, rows.length, "no two checks say the same");
    // Beside each TLA+ name, the property of the paper's Figure 3 it guards, in the paper's
    // words, or what else it guards.
    const guards = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#checks li")].map((row) => {
      const tag = row.querySelector(".guards");
      return [row.dataset.check, { name: tag?.textContent ?? "", paper: tag?.classList.contains("paper") ?? false, title: tag?.title ?? "" }];
    })));
    const paper = ["Election Safety", "Leader Append-Only", "Log Matching", "Leader Completeness", "State Machine Safety"];
    for (const [name, tag] of Object.entries(guards)) {
      assert.ok(tag.name !== "", `${name} says what it guards`);
      assert.equal(tag.paper, paper.includes(tag.name), `${name}: ${tag.name}`);
    }
    for (const property of paper) assert.ok(Object.values(guards).some((tag) => tag.name === property), `some check guards ${property}`);
    assert.equal(guards.MoreThanOneLeaderInv.name, "Election Safety");
    assert.match(guards.MoreThanOneLeaderInv.title, /at most one leader can be elected in a given term/);
    assert.notEqual(guards.ElectionSafetyInv.name, "Election Safety", "etcd's ElectionSafetyInv is not the paper's Election Safety");
    assert.equal(guards.LeaderLiveness.name, "liveness");
    assert.equal(guards.AckDurableInv.name, "durability");
    assertNoErrors(page);
    await page.close();
  }],

  ["the legend draws every glyph of the ring with the ring's code, each told apart by shape", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    const legend = await page.evaluate(() => {
      const wasm = window.raftsim.app.wasm;
      /** The swatch `key` drawn by the engine at 1×: which pixels it inks, by column and row. */
      const swatch = (key) => {
        const canvas = document.createElement("canvas");
        canvas.width = 44;
        canvas.height = 28;
        const context = canvas.getContext("2d");
        const drawn = wasm.draw_swatch(context, key, 44, 28, 1);
        const alpha = context.getImageData(0, 0, 44, 28).data.filter((_, index) => index % 4 === 3);
        return { drawn, inked: [...alpha].map((value) => (value > 100 ? 1 : 0)) };
      };
      /** Whether swatch `key`, drawn at 4x (its centre at 22, 14), inks the point `dx`, `dy` off its centre. */
      const inks = (key, dx, dy) => {
        const canvas = document.createElement("canvas");
        canvas.width = 176;
        canvas.height = 112;
        const context = canvas.getContext("2d");
        wasm.draw_swatch(context, key, 44, 28, 4);
        return context.getImageData(Math.floor((22 + dx) * 4), Math.floor((14 + dy) * 4), 1, 1).data[3] > 100;
      };
      // A pre-vote is a diamond, a vote round: the diamond reaches a tip straight above its
      // centre that the circle does not, and the circle a point off the diagonal that the
      // diamond does not.
      const shapes = (vote, prevote) => ({
        tip: [inks(vote, 0.1, -6.9), inks(prevote, 0.1, -6.9)],
        shoulder: [inks(vote, -4.2, -3.6), inks(prevote, -4.2, -3.6)],
      });
      const keys = wasm.legend().map((item) => item.key);
      const swatches = Object.fromEntries(keys.map((key) => [key, swatch(key)]));
      const leader = swatches.leader.inked;
      const row = (y) => leader.slice(y * 44, y * 44 + 44);
      // The crown: separate points in a row above the node, and nothing cut at the top edge.
      const runs = (bits) => bits.filter((bit, index) => bit === 1 && bits[index - 1] !== 1).length;
      return {
        keys,
        shown: [...document.querySelectorAll("#legend .legend-item")].map((item) => item.dataset.key),
        labels: Object.fromEntries(wasm.legend().map((item) => [item.key, item.label])),
        titles: [...document.querySelectorAll("#legend h3")].map((title) => title.textContent),
        blank: keys.filter((key) => !swatches[key].drawn || !swatches[key].inked.includes(1)),
        requests: shapes("vote", "prevote"),
        grants: shapes("vote-granted", "prevote-granted"),
        refusals: shapes("vote-refused", "prevote-refused"),
        crownTopRow: row(0).includes(1),
        crownPoints: Math.max(...[3, 4, 5, 6].map((y) => runs(row(y)))),
      };
    });
    assert.deepEqual(legend.shown, legend.keys, "the page lists every entry the engine gives");
    assert.deepEqual(legend.blank, [], "every swatch is drawn");
    for (const key of ["prevote", "prevote-granted", "prevote-refused", "vote-granted", "held", "selected", "flagged", "timer", "duplicate", "lost"]) {
      assert.ok(legend.keys.includes(key), `the legend has ${key}`);
    }
    assert.match(legend.labels.prevote, /diamond/);
    assert.match(legend.labels.vote, /round/);
    // Pre-vote and vote glyphs differ in shape, not only amber against orange.
    for (const what of ["requests", "grants", "refusals"]) {
      assert.deepEqual(legend[what], { tip: [false, true], shoulder: [true, false] }, `pre-vote ${what} are diamonds, vote ${what} round`);
    }
    assert.equal(legend.crownTopRow, false, "the crown is not cut by the swatch's edge");
    assert.equal(legend.crownPoints, 3, "the crown shows three points, not a bar");
    assert.match(legend.titles.join(" | "), /Messages \(requests filled, answers hollow with a tick or a cross\)/);
    await page.evaluate(() => {
      document.querySelector(".legend-box").open = true;
      document.getElementById("legend").scrollIntoView();
    });
    await shot(page, "20-legend");
    assertNoErrors(page);
    await page.close();
  }],

  ["the scenario picker follows a run started from the console", async ({ open, settle, assertNoErrors }) => {
    const page = await open();
    const other = await page.evaluate(() => window.raftsim.app.catalogue.presets.map((preset) => preset.name).find((name) => name !== document.getElementById("preset").value));
    await page.evaluate((name) => window.raftsim.start(window.raftsim.app.wasm.preset(name)), other);
    await settle(page);
    assert.equal(await page.evaluate(() => document.getElementById("preset").value), other);
    assert.equal(await page.evaluate(() => document.getElementById("run-scenario").textContent), other);
    assertNoErrors(page);
    await page.close();
  }],

  ["cuts one direction of a link from the link's menu", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 2);
    const middle = await page.evaluate(() => {
      const [a, b] = [window.raftsim.nodeCenter(1), window.raftsim.nodeCenter(3)];
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    });
    await page.mouse.click(middle.x, middle.y);
    await page.waitForSelector("#menu:not([hidden])");
    assert.match(await page.$eval("#menu h3", (title) => title.textContent), /Link S1 — S3/);
    await clickMenuButton(page, "Cut S1 → S3 only");
    const cuts = await page.evaluate(() => [window.raftsim.app.sim.is_cut(1, 3), window.raftsim.app.sim.is_cut(3, 1)]);
    assert.deepEqual(cuts, [true, false]);
    await shot(page, "05-one-way-cut");
    assertNoErrors(page);
    await page.close();
  }],

  ["sends client requests and sees them commit", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 3);
    const leader = (await state(page)).leader;
    const before = await page.evaluate((id) => window.raftsim.app.sim.node_detail(id), leader);
    await clickNode(page, leader);
    await page.evaluate(() => {
      const form = document.querySelector("#menu form");
      form.querySelector('[aria-label="Key"]').value = "k";
      form.querySelector('[aria-label="Value"]').value = "hello";
      form.requestSubmit();
    });
    await runTo(page, 3.5);
    const after = await page.evaluate((id) => window.raftsim.app.sim.node_detail(id), leader);
    assert.ok(after.last_index > before.last_index, "the leader appended the request");
    assert.ok(after.commit_index >= before.last_index + 1, "and committed it");
    const history = await page.evaluate(() => window.raftsim.app.sim.history());
    const mine = history.ops.find((op) => op.op.Put?.key === "k" && op.op.Put?.value === "hello");
    assert.ok(mine && mine.outcome.Ok, `our put completed: ${JSON.stringify(mine)}`);
    const feed = await page.$$eval("#feed li.kind-user", (rows) => rows.map((row) => row.textContent));
    assert.ok(feed.some((text) => text.includes(`you: send put "k" "hello" to S${leader}`)), `the feed shows what we did: ${feed}`);
    await shot(page, "06-request-committed");
    assertNoErrors(page);
    await page.close();
  }],

  ["lists every action in the feed, also when paused, with role changes in words", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 3);
    const leader = (await state(page)).leader;
    await clickNode(page, leader);
    await clickMenuButton(page, "Crash");
    await settle(page);
    let feed = await page.$$eval("#feed li", (rows) => rows.map((row) => row.textContent));
    assert.ok(feed.some((text) => text.includes(`you: crash S${leader}`)), "the crash, at once");
    await clickNode(page, leader);
    await clickMenuButton(page, "Restart");
    await settle(page);
    feed = await page.$$eval("#feed li", (rows) => rows.map((row) => row.textContent));
    assert.ok(feed.some((text) => text.includes(`you: restart S${leader} from its disk`)), "the restart, though no event ran between");
    await runTo(page, 5);
    feed = await page.$$eval("#feed li.kind-role", (rows) => rows.map((row) => row.textContent));
    assert.ok(feed.some((text) => /S\d wins the election: leader of term \d+/.test(text)), `a role change in words: ${feed.slice(-3)}`);
    const box = await page.$eval("#logs", (canvas) => { const rect = canvas.getBoundingClientRect(); return { x: rect.left, y: rect.top }; });
    await page.mouse.move(box.x + 110, box.y + 30);
    await page.waitForSelector("#log-tip:not([hidden])");
    assert.match(await page.$eval("#log-tip", (tip) => tip.textContent), /S1, index 1, term 1/);
    await shot(page, "07-feed-and-tooltip");
    assertNoErrors(page);
    await page.close();
  }],

  ["steps forward and back to the identical state", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 1.5);
    const start = await state(page);
    for (let step = 0; step < 7; step += 1) await page.click("#step");
    await settle(page);
    const ahead = await state(page);
    assert.equal(ahead.events, start.events + 7);
    assert.notEqual(ahead.hash, start.hash);
    for (let step = 0; step < 7; step += 1) await page.click("#step-back");
    await settle(page);
    const back = await state(page);
    assert.equal(back.events, start.events);
    assert.equal(back.hash, start.hash);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowLeft");
    await settle(page);
    assert.equal((await state(page)).events, start.events + 1, "the arrow keys step too");
    await shot(page, "07-stepped");
    assertNoErrors(page);
    await page.close();
  }],

  ["copies a link that opens to the identical state in a fresh page", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 2);
    await clickNode(page, 2);
    await clickMenuButton(page, "Crash");
    await runTo(page, 2.5);
    await page.click('[data-partition="isolate-leader"]');
    await runTo(page, 3.2);
    await page.click("#step");
    await runTo(page, 3.2103);
    await page.click("#copy-link");
    await page.waitForFunction(() => document.body.dataset.shareLink);
    const shared = await page.evaluate(() => document.body.dataset.shareLink);
    const original = await state(page);
    await shot(page, "08-link-copied");
    const context = await browser.createBrowserContext();
    const fresh = await context.newPage();
    await fresh.setViewport({ width: 1400, height: 1000 });
    await fresh.goto(shared);
    await fresh.waitForFunction(() => document.body.dataset.ready === "true" && document.body.dataset.opening === "done", { timeout: WAIT_MS });
    await fresh.evaluate(() => window.raftsim.panelsRefreshed());
    const replayed = await state(fresh);
    assert.equal(replayed.events, original.events);
    assert.equal(replayed.hash, original.hash);
    assert.equal(replayed.shownEvent, original.shownEvent);
    assert.equal(replayed.time, original.time, "the link keeps the moment shown, between events too");
    assert.deepEqual(replayed.nodes, original.nodes);
    await fresh.screenshot({ path: join(SHOTS, browserName, "08-link-opened.png") });
    await context.close();
    assertNoErrors(page);
    await page.close();
  }],

  ["runs a bug preset to its violation: board red, named nodes circled", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await page.select("#preset", "bug-figure8_commit");
    await page.waitForFunction(() => window.raftsim.app.lastRunView?.name === "bug-figure8_commit");
    await setSpeed(page, "as fast as it goes");
    // A bug preset is a guided tour: play on through the captions it pauses at.
    await page.waitForFunction(() => {
      if (document.body.dataset.checks === "failed") return true;
      if (!window.raftsim.app.playing) document.getElementById("play").click();
      return false;
    }, { timeout: WAIT_MS, polling: 100 });
    await settle(page);
    const failed = await page.$$eval(".check.failed", (rows) => rows.map((row) => row.dataset.check));
    assert.deepEqual(failed, ["LeaderCommitsOwnTermInv"]);
    assert.equal(await page.evaluate(() => document.body.dataset.playing), "false", "the run stops at the violation");
    // The checker stops at the first check that fails: no other check shows ✓ at that event.
    const board = await page.evaluate(() => ({
      holding: [...document.querySelectorAll("#checks li.holds")].map((row) => row.dataset.check),
      notJudged: [...document.querySelectorAll("#checks li.not_judged")].map((row) => [row.dataset.check, row.querySelector(".mark").textContent, row.querySelector(".why").textContent]),
      summary: document.getElementById("checks-summary").textContent,
      summaryClass: document.getElementById("checks-summary").className,
    }));
    assert.deepEqual(board.holding, [], "no check is marked as holding at the violating event");
    const more = board.notJudged.find(([name]) => name === "MoreThanOneLeaderInv");
    assert.ok(more, "MoreThanOneLeaderInv is marked not judged");
    assert.equal(more[1], "–");
    assert.match(more[2], /^Held before event [\d,]+; not judged at it \(the run stopped at LeaderCommitsOwnTermInv\)\.$/);
    assert.match(board.summary, /^1 failed; \d+ not judged$/);
    assert.equal(board.summaryClass, "summary bad");
    const violation = await page.evaluate(() => window.raftsim.app.sim.violation());
    assert.ok(violation.nodes.length > 0);
    const banner = await page.$eval(".notice.violation", (element) => element.textContent);
    assert.match(banner, /LeaderCommitsOwnTermInv failed at event/);
    // The renderer circles each named node in red: sample the canvas just outside its rim.
    const reds = await page.evaluate(() => {
      const canvas = document.getElementById("ring");
      const context = canvas.getContext("2d");
      const box = canvas.getBoundingClientRect();
      const ratio = canvas.width / box.width;
      const red = (node) => {
        const center = window.raftsim.nodeCenter(node);
        const [x0, y0] = [(center.x - box.left) * ratio, (center.y - box.top) * ratio];
        let count = 0;
        for (let angle = 0; angle < 360; angle += 6) {
          for (let distance = 30; distance < 60; distance += 2) {
            const x = Math.round(x0 + Math.cos((angle * Math.PI) / 180) * distance * ratio);
            const y = Math.round(y0 + Math.sin((angle * Math.PI) / 180) * distance * ratio);
            const [r, g, b] = context.getImageData(x, y, 1, 1).data;
            // The violation ring's colour (#c5221f), not the red of a refused vote or a loss.
            if (Math.abs(r - 197) < 8 && Math.abs(g - 34) < 8 && Math.abs(b - 31) < 8) count += 1;
          }
        }
        return count;
      };
      return Object.fromEntries([1, 2, 3, 4, 5].map((node) => [node, red(node)]));
    });
    for (const node of [1, 2, 3, 4, 5]) {
      if (violation.nodes.includes(node)) assert.ok(reds[node] > 20, `S${node} is circled in red (${reds[node]} red samples)`);
      else assert.ok(reds[node] < 5, `S${node} is not circled (${reds[node]} red samples)`);
    }
    await shot(page, "09-violation");
    assertNoErrors(page);
    await page.close();
  }],

  ["refuses out-of-range settings next to the field", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    const before = await state(page);
    await page.click("#open-settings");
    await page.evaluate(() => {
      document.getElementById("setting-nodes").value = "12";
      document.getElementById("settings-form").requestSubmit();
    });
    const message = await page.$eval("#setting-nodes-error", (element) => (element.hidden ? "" : element.textContent));
    assert.match(message, /at most 9/);
    await page.evaluate(() => {
      document.getElementById("setting-nodes").value = "5";
      document.getElementById("setting-network-latency_us_min").value = "50";
      document.getElementById("setting-network-latency_us_max").value = "10";
      document.getElementById("settings-form").requestSubmit();
    });
    const engineSays = await page.$eval("#setting-network-latency_us_min-error", (element) => (element.hidden ? "" : element.textContent));
    assert.match(engineSays, /above/, "the engine's own validation, shown next to the field");
    await page.evaluate(() => {
      document.getElementById("setting-network-latency_us_min").value = "1";
      document.getElementById("setting-nemesis-weights-crash").value = "5000";
      document.getElementById("settings-form").requestSubmit();
    });
    const weightSays = await page.$eval("#setting-nemesis-weights-crash-error", (element) => (element.hidden ? "" : element.textContent));
    assert.match(weightSays, /at most 1000/, "a fault kind's weight has its bound from the engine");
    await shot(page, "10-settings-refused");
    assert.equal((await state(page)).hash, before.hash, "no new run started");
    await page.close();
  }],

  ["warns beside the field when the disks break Raft's timing requirement", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    await page.click("#open-settings");
    const typed = (value) => page.evaluate((text) => {
      const fsync = document.getElementById("setting-disk-fsync_us_max");
      fsync.value = text;
      fsync.dispatchEvent(new Event("input", { bubbles: true }));
      fsync.scrollIntoView({ block: "center" });
      const error = document.getElementById("setting-disk-fsync_us_max-error");
      return { says: error.hidden ? "" : error.textContent, invalid: fsync.closest(".setting").classList.contains("invalid") };
    }, value);
    const slow = await typed("200");
    assert.match(slow.says, /^Warning: an election round takes up to [0-9.]+ m?s here .*Raft needs broadcast time ≪ election timeout \(§5\.6\)/, "the engine's words, beside the field");
    assert.equal(slow.invalid, false, "a warning, not a refusal");
    await shot(page, "10-settings-timing-warning");
    assert.equal((await typed("2")).says, "", "a fast disk again: the warning goes");
    assertNoErrors(page);
    await page.close();
  }],

  ["runs nine nodes from the settings", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await page.click("#open-settings");
    await page.evaluate(() => {
      document.getElementById("setting-nodes").value = "9";
      document.getElementById("setting-workload-clients").value = "10";
      document.getElementById("setting-network-drop_ppm").value = "5";
      document.getElementById("settings-form").requestSubmit();
    });
    await page.waitForFunction(() => window.raftsim.app.lastRunView?.nodes === 9);
    // The preset's description no longer describes this run: it says so.
    const description = await page.$eval("#preset-description", (element) => element.textContent);
    assert.match(description, /^This run's settings were edited from “classroom”, so it may not be what the preset describes\. The preset: /);
    await runTo(page, 4.0);
    const now = await state(page);
    assert.equal(now.nodes.length, 9);
    assert.ok(now.leader > 0);
    await setSpeed(page, "1/10 ×");
    await page.click("#play");
    await new Promise((done) => setTimeout(done, 800));
    await page.click("#play");
    await shot(page, "11-nine-nodes");
    assertNoErrors(page);
    await page.close();
  }],

  ["goes back and forward between runs with the browser's buttons", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 1);
    const first = await state(page);
    await page.evaluate(() => {
      document.getElementById("seed").value = "42";
      document.getElementById("seed").dispatchEvent(new Event("change"));
    });
    await page.waitForFunction(() => window.raftsim.app.lastRunView?.seed === 42);
    await page.goBack();
    await page.waitForFunction(() => window.raftsim.app.lastRunView?.seed === 1, { timeout: WAIT_MS });
    await settle(page);
    const back = await state(page);
    assert.equal(back.events, first.events, "back returns to the run we left, where we left it");
    assert.equal(back.hash, first.hash);
    await page.goForward();
    await page.waitForFunction(() => window.raftsim.app.lastRunView?.seed === 42, { timeout: WAIT_MS });
    await shot(page, "12-history");
    assertNoErrors(page);
    await page.close();
  }],

  ["shows a clear message and a safe default run for hostile links", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const good = { scenario: { seed: 3, nodes: 3 }, actions: [], stop_at_event: 50 };
    const cases = [
      ["garbage", "hello-there", /not a raftsim link/],
      ["truncated base64", link(good).slice(0, -7) + "!", /damaged/],
      ["huge numbers", link({ scenario: { seed: 1e300, nodes: 3 } }), /damaged|seed/],
      ["too many nodes", link({ scenario: { nodes: 4_000_000_000 } }), /nodes/],
      ["unknown share format", link(good, { format: "r9" }), /share format "r9"/],
      ["markup as the engine version", link(good, { engine: "<img src=x onerror=alert(1)>" }), /engine version is malformed|not a raftsim link/],
      ["an unknown field", link({ ...good, script: "<b>x</b>" }), /unknown field/],
    ];
    const page = await open();
    for (const [name, fragment, expected] of cases) {
      await page.evaluate((value) => { location.hash = value; }, fragment);
      await page.waitForFunction(() => document.querySelector('.notice.error[data-id="link"]'), { timeout: WAIT_MS });
      const message = await page.$eval('.notice.error[data-id="link"]', (element) => element.textContent);
      assert.match(message, expected, name);
      assert.match(message, /[.!?] Showing the classroom run instead\.✕?$/, `${name}: the reason is a sentence, with its full stop`);
      const run = await page.evaluate(() => window.raftsim.app.lastRunView);
      assert.equal(run.name, "classroom", `${name}: a safe default run`);
      assert.equal(await page.$("img"), null, `${name}: no markup reached the page`);
      await page.evaluate(() => document.querySelector('.notice[data-id="link"]')?.remove());
    }
    await shot(page, "13-hostile-link");
    await page.close();
  }],

  ["opens a link to a moment billions of events away without freezing, and can stop", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const scenario = { nodes: 9, seed: 2, protocol: { heartbeat_interval_us: 1000 }, workload: { clients: 64 }, phases: { safety_us: 3_500_000_000 } };
    const page = await open(`#${link({ scenario, actions: [], stop_at_event: 9e12 })}`.replace("#", "?paused#"), { allowOpening: true });
    await page.waitForSelector('.notice[data-id="opening"]', { timeout: WAIT_MS });
    const responsive = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(true))));
    assert.ok(responsive, "frames keep coming while the link opens");
    assert.match(await page.$eval('.notice[data-id="opening"]', (element) => element.textContent), /replaying the run to event 9,000,000,000,000/);
    await page.evaluate(() => [...document.querySelectorAll('.notice[data-id="opening"] button')].find((button) => button.textContent === "Stop").click());
    await page.waitForFunction(() => document.body.dataset.opening === "done");
    const events = await page.evaluate(() => window.raftsim.app.sim.events());
    assert.ok(events > 0 && events < 9e12, `stopped part way (${events} events)`);
    await shot(page, "14-link-opening-stopped");
    await page.close();
  }],

  ["shows a 10 MB fragment's error instead of freezing", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    // A fragment set on a loaded page. Chromium passes all 10 MB on; Firefox refuses URLs
    // over 1 MiB itself (network.standard-url.max-length: "malformed URI"), so there the page
    // gets the largest it allows. Either way the page answers with the engine's message and a
    // safe default run.
    const page = await open();
    let delivered = 0;
    for (const size of [10 * 1024 * 1024, 1_000_000]) {
      const accepted = await page.evaluate((length, version) => {
        try {
          location.hash = `r1~${version}~${"A".repeat(length)}`;
          return true;
        } catch {
          return false;
        }
      }, size, engine);
      if (!accepted) continue;
      await page.waitForFunction(() => document.querySelector('.notice.error[data-id="link"]'), { timeout: WAIT_MS });
      const message = await page.$eval('.notice.error[data-id="link"]', (element) => element.textContent);
      delivered = Number(/the link is (\d+) characters long/.exec(message)?.[1] ?? 0);
      break;
    }
    assert.ok(delivered >= 1_000_000, `the page answered a fragment of ${delivered} characters`);
    if (browserName === "chromium") assert.ok(delivered > 10_000_000, "Chromium passes the whole 10 MB on");
    assert.equal((await page.evaluate(() => window.raftsim.app.lastRunView)).name, "classroom");
    assert.ok(await page.evaluate(() => location.hash.length < 100_000), "the refused link leaves the address bar");
    await shot(page, "14-huge-link");
    await page.close();
  }],

  ["opens a link whose scenario name is markup as plain text", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const name = '<img src=x onerror="document.body.dataset.owned=1">';
    const page = await open(`#${link({ scenario: { name, seed: 5, nodes: 3 }, actions: [], stop_at_event: 40 }, { engine })}`);
    await settle(page);
    assert.equal(await page.$eval("#run-scenario", (element) => element.textContent), name);
    assert.equal(await page.$("img"), null);
    assert.equal(await page.evaluate(() => document.body.dataset.owned), undefined);
    assert.equal((await state(page)).events, 40);
    await shot(page, "15-markup-name");
    await page.close();
  }],

  ["warns about a link from another engine version and still opens it", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open(`#${link({ scenario: { seed: 5, nodes: 3 }, actions: [], stop_at_event: 30 }, { engine: "0.0.1" })}`);
    await page.waitForSelector('.notice.warning[data-id="link"]');
    const message = await page.$eval('.notice.warning[data-id="link"]', (element) => element.textContent);
    assert.match(message, /engine 0\.0\.1/);
    assert.equal((await state(page)).events, 30);
    await shot(page, "16-old-engine");
    await page.close();
  }],

  ["reports an engine panic with the seed, a link to the run so far and a way to start over", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open();
    await runTo(page, 1);
    const events = (await state(page)).events;
    await page.evaluate((at) => window.raftsim.app.sim.fail_at_event_for_testing(at), events + 30);
    await setSpeed(page, "real time");
    await page.click("#play");
    await page.waitForSelector("#panic[open]", { timeout: WAIT_MS });
    const report = await page.evaluate(() => ({
      seed: document.getElementById("panic-seed").textContent,
      message: document.getElementById("panic-message").textContent,
      link: document.getElementById("panic-link").value,
    }));
    assert.equal(report.seed, "1");
    assert.match(report.message, /asked for a panic/);
    assert.match(report.link, /^http:\/\/127\.0\.0\.1:\d+\/#r1~/);
    await shot(page, "17-panic");
    const replay = await browser.newPage();
    await replay.goto(report.link);
    await replay.waitForFunction(() => document.body.dataset.ready === "true" && document.body.dataset.opening === "done");
    const replayedEvents = await replay.evaluate(() => window.raftsim.app.sim.events());
    const panickedAt = Number(/the run is at event (\d+)/.exec(report.message)[1]);
    assert.ok(replayedEvents >= events && replayedEvents <= panickedAt, `the link replays to the last healthy frame (${replayedEvents}, panic at ${panickedAt})`);
    await replay.close();
    await page.click("#panic-restart");
    await page.waitForFunction(() => document.body.dataset.ready === "true" && !document.body.dataset.panicked, { timeout: WAIT_MS });
    await page.close();
  }],

  ["lays out in one column on a narrow window", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await open("?paused", { width: 420, height: 900 });
    await runTo(page, 3);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px too wide)`);
    await page.screenshot({ path: join(SHOTS, browserName, "18-narrow.png"), fullPage: true });
    assertNoErrors(page);
    await page.close();
  }],

  ["works under its Content-Security-Policy, with no violation reported", async ({ open, shot, state, runTo, settle, setSpeed, clickNode, clickMenuButton, assertNoErrors, server, browser, browserName, engine }) => {
    const page = await browser.newPage();
    const violations = [];
    page.on("console", (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.evaluateOnNewDocument?.(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        window.cspViolations = (window.cspViolations ?? 0) + 1;
        console.error(`Refused to load: ${event.violatedDirective}`);
      });
    });
    await page.goto(server.url + "?paused");
    await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn", { timeout: WAIT_MS });
    await shot(page, "19-csp");
    const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (meta) => meta.content);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    assert.deepEqual(violations, []);
    await page.close();
  }],
];

runCases("the page", CASES);
