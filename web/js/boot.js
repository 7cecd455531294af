// Boot: load the wasm engine and report what loaded. Holds no protocol logic (ARCHITECTURE.md).
import init, { engine_version } from "../pkg/raftsim_wasm.js";

const status = document.getElementById("engine-status");

try {
  await init();
  const version = engine_version();
  status.textContent = `raftsim engine ${version} loaded.`;
  status.className = "ready";
  document.body.dataset.engineVersion = version;
} catch (error) {
  status.textContent =
    `The WebAssembly engine did not load (${error.message}). ` +
    "If you serve the page yourself, build it first with ./dev serve; otherwise try a current browser.";
  status.className = "error";
  console.error(error);
}
