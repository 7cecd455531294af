// @ts-check
// The legend: the engine lists its entries and draws each swatch, so the legend always shows
// exactly the shapes and colours of the ring.
import { app } from "./app.js";
import { byId, h } from "./dom.js";

const SWATCH_WIDTH = 44;
/** Tall enough for a leader with its crown above it. */
const SWATCH_HEIGHT = 28;
const GROUP_TITLES = { nodes: "Nodes", messages: "Messages (requests filled, answers hollow with a tick or a cross)", network: "Links and clients" };

export function setupLegend() {
  const box = byId("legend");
  const ratio = window.devicePixelRatio || 1;
  let group = null;
  for (const item of app.catalogue.legend) {
    if (item.group !== group) {
      group = item.group;
      box.append(h("h3", {}, GROUP_TITLES[group] ?? group));
    }
    const canvas = h("canvas", { width: String(SWATCH_WIDTH * ratio), height: String(SWATCH_HEIGHT * ratio), "aria-hidden": "true" });
    app.wasm.draw_swatch(canvas.getContext("2d"), item.key, SWATCH_WIDTH, SWATCH_HEIGHT, ratio);
    box.append(h("div", { class: "legend-item", dataset: { key: item.key } }, canvas, h("span", {}, item.label)));
  }
}
