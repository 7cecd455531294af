// What the page's end-to-end tests and the page benchmark share: a static server for web/ on
// 127.0.0.1, and puppeteer-core driving Debian's browsers (Chromium over CDP, Firefox ESR over
// WebDriver BiDi). Nothing is downloaded: the browsers are the system's own.
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";
import puppeteer from "puppeteer-core";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
};

/** Serves `root` on 127.0.0.1 (a free port); resolves to { url, close }. With `gzip`, bodies
 * go compressed to a browser that accepts it, as a static host sends them (the benchmark of a
 * throttled load). */
export function serve(root, { gzip = false } = {}) {
  const base = resolve(root);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base + sep) && file !== base) {
      response.writeHead(404).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" };
      if (gzip && /\bgzip\b/.test(request.headers["accept-encoding"] ?? "")) {
        response.writeHead(200, { ...headers, "Content-Encoding": "gzip" });
        response.end(gzipSync(body));
      } else {
        response.writeHead(200, headers);
        response.end(body);
      }
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
    }
  });
  return new Promise((done) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      done({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((closed) => server.close(closed)) });
    });
  });
}

/** The browsers the tests run in, from the environment or Debian's defaults. */
export const BROWSERS = {
  chromium: {
    browser: "chrome",
    executablePath: process.env.RAFTSIM_CHROMIUM ?? "/usr/bin/chromium",
    args: (process.env.RAFTSIM_CHROMIUM_ARGS ?? "--no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync")
      .split(" ")
      .filter((arg) => arg && arg !== "--headless"),
  },
  firefox: {
    browser: "firefox",
    executablePath: process.env.RAFTSIM_FIREFOX ?? "/usr/bin/firefox-esr",
    args: [],
  },
};

/** The directories made by `scratchDirectory`, removed when the test process exits. */
const scratchDirectories = [];
process.on("exit", () => {
  for (const directory of scratchDirectories) rmSync(directory, { recursive: true, force: true });
});

/** A new empty directory under the system's temporary one, named `prefix…`; it is removed when
 * the test process exits, so that runs leave nothing behind (a profile, a report, a fixture). */
export function scratchDirectory(prefix) {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  scratchDirectories.push(directory);
  return directory;
}

/** Launches `name` (chromium or firefox) headless with a fresh profile, with `extraArgs`. */
export async function launch(name, extraArgs = []) {
  const settings = BROWSERS[name];
  const options = {
    browser: settings.browser,
    executablePath: settings.executablePath,
    headless: true,
    args: [...settings.args, ...extraArgs],
    protocolTimeout: 120_000,
  };
  if (name === "chromium") options.userDataDir = scratchDirectory("raftsim-chromium-");
  return puppeteer.launch(options);
}

/** Reads a file as text (for the tests' own fixtures). */
export function text(path) {
  return readFileSync(path, "utf8");
}
