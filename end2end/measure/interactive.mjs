// Time from navigation until a page answers a click, with Chromium's CPU throttled 4x (CDP
// Emulation.setCPUThrottlingRate) as on a slow phone, taken inside the page (performance.now(),
// from the navigation's start): the login button works once the page is parsed and, where the
// page loads a WASM bundle, hydrated (the app marks <body data-hydrated>); the 2FA modal is
// open once its <dialog> is on screen after a click on the switch, clicked as soon as it
// answers. Median and spread of several fresh visits (empty cache).
//
//   BASE_URL=http://127.0.0.1:3000 node end2end/measure/interactive.mjs [runs]
import { logIn, makeAccounts, SWITCH, launchChromium } from "./wire.mjs";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[2] ?? 7);
const browser = await launchChromium();
const { plain } = await makeAccounts(browser, base);

/** Records in the page when it was parsed, hydrated, and when a modal dialog opened. */
function recordMoments() {
  window.__moments = {};
  const note = (name) => (window.__moments[name] ??= performance.now());
  document.addEventListener("DOMContentLoaded", () => note("parsed"));
  new MutationObserver(() => {
    if (document.body?.dataset.hydrated === "true") note("hydrated");
    if (document.querySelector("dialog[open]")) note("dialog");
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** Parsed, and hydrated when the page loads a WASM bundle at all (a modulepreload of it). */
const interactive = () =>
  window.__moments?.parsed !== undefined &&
  (!document.querySelector('link[rel="modulepreload"]') || window.__moments.hydrated !== undefined);

async function timed(prepare, visit) {
  const context = await browser.newContext({ baseURL: base, extraHTTPHeaders: { "X-Forwarded-For": "10.9.9.9" } });
  const page = await context.newPage();
  if (prepare) await prepare(context, page);
  await page.addInitScript(recordMoments);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const ms = await visit(page);
  await context.close();
  return ms;
}

const loginButton = async (page) => {
  await page.goto("/", { waitUntil: "commit" });
  await page.waitForFunction(interactive, null, { polling: 10 });
  await page.getByRole("button", { name: "Log in" }).waitFor();
  return page.evaluate(() => Math.max(window.__moments.parsed, window.__moments.hydrated ?? 0));
};

const modal = async (page) => {
  await page.goto("/settings/security", { waitUntil: "commit" });
  await page.waitForFunction(interactive, null, { polling: 10 });
  await page.getByRole("switch", { name: SWITCH }).click();
  await page.getByRole("dialog").waitFor();
  return page.evaluate(() => window.__moments.dialog);
};

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${Math.round(median)} ms (${Math.round(sorted[0])}-${Math.round(sorted[sorted.length - 1])})`;
}

const login = [];
const settings = [];
for (let i = 0; i < runs; i++) {
  login.push(await timed(null, loginButton));
  settings.push(await timed(logIn(plain), modal));
}
await browser.close();
console.log(`CPU 4x slower, ${runs} fresh visits each: median (min-max)`);
console.log(`| login button works | ${summary(login)} |`);
console.log(`| 2FA modal open after a click on the switch | ${summary(settings)} |`);
