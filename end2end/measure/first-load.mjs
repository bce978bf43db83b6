// Bytes a first visit moves on the wire, per page and kind (HTML, WASM, JS, CSS, API), as
// Chromium counts them (Network.loadingFinished's encodedDataLength: compressed body and
// headers), each page in a fresh browser context with an empty cache.
//
//   BASE_URL=http://127.0.0.1:3000 node end2end/measure/first-load.mjs
import { execFileSync } from "node:child_process";
import { chromium } from "@playwright/test";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const password = "correct horse battery staple";
const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args });

function kindOf(url, mime) {
  const path = new URL(url).pathname;
  if (path.startsWith("/api/")) return "api";
  if (path.endsWith(".wasm") || mime === "application/wasm") return "wasm";
  if (path.endsWith(".js") || (mime ?? "").includes("javascript")) return "js";
  if (path.endsWith(".css") || mime === "text/css") return "css";
  if ((mime ?? "").includes("html")) return "html";
  return "other";
}

/** Runs `visit` in a fresh context (after `prepare`, whose traffic is not counted). */
async function measure(name, prepare, visit) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  if (prepare) await prepare(context, page);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const requests = new Map();
  const totals = { html: 0, wasm: 0, js: 0, css: 0, api: 0, other: 0 };
  cdp.on("Network.responseReceived", (e) => requests.set(e.requestId, kindOf(e.response.url, e.response.mimeType)));
  cdp.on("Network.loadingFinished", (e) => {
    const kind = requests.get(e.requestId);
    if (kind) totals[kind] += e.encodedDataLength;
  });
  await visit(page);
  await page.waitForLoadState("networkidle");
  await context.close();
  return { page: name, ...totals, code: totals.wasm + totals.js + totals.css };
}

async function hydrated(page, path) {
  await page.goto(path);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
}

async function post(context, endpoint, form) {
  const reply = await context.request.post(`/api/${endpoint}`, { form });
  if (!reply.ok()) throw new Error(`${endpoint}: ${reply.status()} ${await reply.text()}`);
  return reply.json();
}

const stamp = Date.now();
const plain = `size-${stamp}@example.org`;
const enrolled = `size-2fa-${stamp}@example.org`;
{
  // Accounts for the pages behind the login: one plain, one with 2FA on.
  const context = await browser.newContext({ baseURL: base });
  await post(context, "signup", { email: plain, password });
  await post(context, "logout", {});
  await post(context, "signup", { email: enrolled, password });
  const setup = await post(context, "two-factor/begin", { password });
  const key = setup.key.replace(/ /g, "");
  const code = execFileSync("oathtool", ["--totp", "--base32", key], { encoding: "utf8" }).trim();
  await post(context, "two-factor/confirm", { code });
  await context.close();
}
const logIn = (email) => async (context) => post(context, "login", { email, password });

const rows = [
  await measure("login", null, (page) => hydrated(page, "/")),
  await measure("sign-up", null, (page) => hydrated(page, "/signup")),
  await measure("code prompt", logIn(enrolled), (page) => hydrated(page, "/")),
  await measure("Inbox", logIn(plain), (page) => hydrated(page, "/")),
  await measure("Settings > Security, 2FA modal open", logIn(plain), async (page) => {
    await hydrated(page, "/settings/security");
    await page.getByRole("switch", { name: "Two-factor authentication for your account (2FA)" }).click();
    await page.getByRole("dialog").waitFor();
  }),
];
await browser.close();

const kb = (n) => (n / 1000).toFixed(1);
console.log("| page | HTML | WASM | JS | CSS | code (WASM+JS+CSS) | API |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(`| ${r.page} | ${kb(r.html)} KB | ${kb(r.wasm)} KB | ${kb(r.js)} KB | ${kb(r.css)} KB | **${kb(r.code)} KB** | ${kb(r.api)} KB |`);
}
