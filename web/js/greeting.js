// @ts-check
// A newcomer's first moment. A visit without a link plays the default run, whose first election
// comes a few seconds in and is easy to miss: the run pauses as soon as it has its first leader,
// and a few words say what just happened and how to replay it. Any other run cancels this.
import { app, on } from "./app.js";
import { clearNotice, notice } from "./notices.js";
import { onFrame, pause } from "./player.js";

/** Whether the run on screen is the greeted one and has not yet had its leader. */
let waiting = false;

/** The words for `leader` just elected in `term`. */
function greetingText(leader, term) {
  return (
    `S${leader} has just been elected leader of term ${term}: its election timer ran out, ` +
    "it became a candidate, voted for itself and asked the others, and a majority voted for it (§5.2). " +
    "Press ◀ step to replay the election message by message, or Play to go on; " +
    "then break the cluster: click a server to crash it, or a link to cut it."
  );
}

function greetOnLeader() {
  if (!waiting || !app.playing) return;
  const view = app.lastRunView;
  if (view?.leader == null) return;
  waiting = false;
  pause();
  notice("info", greetingText(view.leader, view.leader_term), { id: "greeting" });
  document.body.dataset.greeted = "true";
}

/** Greets the visitor on the run that is about to play by itself (`greet`), else never. */
export function setupGreeting(greet) {
  waiting = greet;
  onFrame(greetOnLeader);
  on("run", () => {
    waiting = false;
    clearNotice("greeting");
  });
}
