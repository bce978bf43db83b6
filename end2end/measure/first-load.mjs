// Prints what a first visit of each page moves on the wire (see wire.mjs) as a Markdown table,
// with each page's budget where it has one.
//
//   BASE_URL=http://127.0.0.1:3000 node end2end/measure/first-load.mjs
import { chromium } from "@playwright/test";
import { BUDGETS, firstLoads } from "./wire.mjs";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args });
const rows = await firstLoads(browser, base);
await browser.close();

const kb = (n) => (n / 1000).toFixed(1);
console.log("| page | HTML | WASM | JS | CSS | code (WASM+JS+CSS) | budget | API |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const budget = BUDGETS[r.page] ? `${kb(BUDGETS[r.page])} KB` : "-";
  console.log(`| ${r.page} | ${kb(r.html)} KB | ${kb(r.wasm)} KB | ${kb(r.js)} KB | ${kb(r.css)} KB | **${kb(r.code)} KB** | ${budget} | ${kb(r.api)} KB |`);
}
