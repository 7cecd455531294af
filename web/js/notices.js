// @ts-check
// Messages to the user: banners that say what happened and what to do next, and the panic
// report. Text only (textContent), whatever the message contains.
import { app, setErrorHandlers } from "./app.js";
import { byId, h } from "./dom.js";

/**
 * Shows a banner. `kind`: info, warning, error or violation. A notice with an `id` replaces the
 * previous one with that id. Returns the element.
 */
export function notice(kind, text, { id = null, timeoutMs = 0 } = {}) {
  const box = byId("notices");
  if (id) clearNotice(id);
  const element = h(
    "div",
    { class: `notice ${kind}`, role: kind === "error" || kind === "violation" ? "alert" : "status", dataset: { id: id ?? "" } },
    h("p", {}, text),
    h("button", { type: "button", class: "dismiss", "aria-label": "Dismiss", onclick: () => element.remove() }, "✕"),
  );
  box.append(element);
  if (timeoutMs > 0) setTimeout(() => element.remove(), timeoutMs);
  return element;
}

export function clearNotice(id) {
  for (const element of byId("notices").querySelectorAll(/** @type {"div"} */ (".notice"))) {
    if (element.dataset.id === id) element.remove();
  }
}

function showPanic(message) {
  const dialog = byId("panic");
  const run = app.lastRunView;
  byId("panic-seed").textContent = run ? String(run.seed) : "—";
  byId("panic-scenario").textContent = run ? run.name : "—";
  byId("panic-message").textContent = message;
  const link = app.safeLink ? `${location.origin}${location.pathname}#${app.safeLink}` : "(no link: the engine crashed before the run started)";
  byId("panic-link").value = link;
  byId("panic-copy").onclick = () => {
    byId("panic-link").select();
    navigator.clipboard?.writeText(link).catch(() => {});
  };
  byId("panic-restart").onclick = () => location.assign(location.pathname);
  document.body.dataset.panicked = "true";
  if (!dialog.open) dialog.showModal();
}

function showError(error) {
  const text = error instanceof Error ? error.message : String(error);
  notice("error", text, { id: "engine-error", timeoutMs: 12_000 });
  console.error(error);
}

setErrorHandlers(showPanic, showError);
