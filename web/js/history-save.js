// @ts-check
// Saves the run's client history as it stands in the formats the history panel reads (and
// `raftsim check-history`, and Jepsen's tools): EDN maps of the key-value store, or Jepsen's log
// lines of one register. The engine writes the text; a history a log cannot hold is refused
// with its reason. Opened here again, a saved file gets the verdict the live check gave.
import { app, guard } from "./app.js";
import { byId, h } from "./dom.js";

/** A file name that says which run and moment the history is of. */
function fileName(extension) {
  const view = app.lastRunView;
  const scenario = String(view?.name ?? "run").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "run";
  return `raftsim-${scenario}-seed-${view?.seed ?? 0}-event-${app.sim?.events() ?? 0}-history.${extension}`;
}

/** Hands `text` to the browser as a download named `name`. */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Saves the history in `format` ("edn" or "log"); `error(text)` shows why it cannot be, or
 * with "" clears an earlier problem.
 * @param {"edn" | "log"} format @param {(text: string) => void} error
 */
function save(format, error) {
  const sim = app.sim;
  if (!sim) return;
  let text;
  try {
    text = sim.history_as_file(format);
  } catch (refused) {
    if (app.wasm.last_panic()) guard(() => { throw refused; });
    else error(`The history cannot be saved as a Jepsen log: ${refused.message ?? refused}. Save it as EDN, which holds any run's history.`);
    return;
  }
  error("");
  download(fileName(format), text);
}

/** @param {(text: string) => void} error */
export function setupSave(error) {
  byId("history-save-edn").addEventListener("click", () => save("edn", error));
  byId("history-save-log").addEventListener("click", () => save("log", error));
}
