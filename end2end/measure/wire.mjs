// What a first visit moves on the wire, per page and kind (HTML, WASM, JS, CSS, API), as
// Chromium counts it (Network.loadingFinished's encodedDataLength: compressed body and
// headers), each page in a fresh browser context with an empty cache. Shared by the size
// report (first-load.mjs) and the budget test (tests/budgets.spec.ts).
import { execFileSync } from "node:child_process";
import { chromium } from "@playwright/test";
import { waitForLink } from "../outbox.mjs";

export const PASSWORD = "correct horse battery staple";
export const SWITCH = "Two-factor authentication for your account (2FA)";

/** Debian's Chromium, headless, as playwright.config.ts launches it for the tests. */
export function launchChromium() {
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args });
}

function kindOf(url, mime) {
  const path = new URL(url).pathname;
  if (path.startsWith("/api/")) return "api";
  if (path.endsWith(".wasm") || mime === "application/wasm") return "wasm";
  if (path.endsWith(".js") || (mime ?? "").includes("javascript")) return "js";
  if (path.endsWith(".css") || mime === "text/css") return "css";
  if ((mime ?? "").includes("html")) return "html";
  return "other";
}

/** A client address of its own, as the server under test trusts X-Forwarded-For from loopback. */
function ownAddress() {
  const byte = () => Math.floor(Math.random() * 254) + 1;
  return { "X-Forwarded-For": `10.${byte()}.${byte()}.${byte()}` };
}

/** Runs `visit` in a fresh context (after `prepare`, whose traffic is not counted). */
async function measure(browser, base, name, prepare, visit) {
  const context = await browser.newContext({ baseURL: base, extraHTTPHeaders: ownAddress() });
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

/** Opens a page and waits until it is ready for a click: loaded, and its islands (if any) awake. */
export async function ready(page, path) {
  await page.goto(path);
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      (!document.querySelector("leptos-island") || document.body.dataset.hydrated === "true"),
  );
}

async function post(context, endpoint, form) {
  const reply = await context.request.post(`/api/${endpoint}`, { form });
  if (!reply.ok()) throw new Error(`${endpoint}: ${reply.status()} ${await reply.text()}`);
  return reply.json();
}

/** Two accounts made over the API for the pages behind the login: one plain, one with 2FA on. */
export async function makeAccounts(browser, base) {
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const plain = `size-${stamp}@example.org`;
  const enrolled = `size-2fa-${stamp}@example.org`;
  const context = await browser.newContext({ baseURL: base, extraHTTPHeaders: ownAddress() });
  await post(context, "signup", { email: plain, password: PASSWORD });
  await post(context, "logout", {});
  await post(context, "signup", { email: enrolled, password: PASSWORD });
  // A second factor needs a confirmed address: the token of the sign-up mail's link.
  const link = await waitForLink(enrolled, "Confirm your email address for WebApp");
  await post(context, "email/confirm", { token: new URL(link).searchParams.get("token") });
  const setup = await post(context, "two-factor/begin", { password: PASSWORD });
  const key = setup.key.replace(/ /g, "");
  const code = execFileSync("oathtool", ["--totp", "--base32", key], { encoding: "utf8" }).trim();
  await post(context, "two-factor/confirm", { code });
  await context.close();
  return { plain, enrolled };
}

export const logIn = (email) => async (context) => post(context, "login", { email, password: PASSWORD });

/** The first visit of each page the budgets cover, in bytes by kind. */
export async function firstLoads(browser, base) {
  const { plain, enrolled } = await makeAccounts(browser, base);
  return [
    await measure(browser, base, "login", null, (page) => ready(page, "/")),
    await measure(browser, base, "sign-up", null, (page) => ready(page, "/signup")),
    await measure(browser, base, "code prompt", logIn(enrolled), (page) => ready(page, "/")),
    await measure(browser, base, "Inbox", logIn(plain), (page) => ready(page, "/")),
    await measure(browser, base, "Settings > Security, 2FA modal open", logIn(plain), async (page) => {
      await ready(page, "/settings/security");
      await page.getByRole("switch", { name: SWITCH }).click();
      await page.getByRole("dialog").waitFor();
    }),
  ];
}

/** Code (WASM+JS+CSS, brotli as served, headers included) a first visit may move, in bytes. */
export const BUDGETS = {
  login: 60_000,
  "sign-up": 60_000,
  "code prompt": 60_000,
  "Settings > Security, 2FA modal open": 120_000,
};
