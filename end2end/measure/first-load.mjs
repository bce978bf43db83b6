// Prints what a first visit of each page moves on the wire (see wire.mjs) as a Markdown table,
// with each page's budget where it has one.
//
//   BASE_URL=http://127.0.0.1:3000 node end2end/measure/first-load.mjs
import { BUDGETS, firstLoads, launchChromium } from "./wire.mjs";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const browser = await launchChromium();
const rows = await firstLoads(browser, base);
await browser.close();

const kb = (n) => (n / 1000).toFixed(1);
console.log("| page | HTML | WASM | JS | CSS | code (WASM+JS+CSS) | budget | API |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const budget = BUDGETS[r.page] ? `${kb(BUDGETS[r.page])} KB` : "-";
  console.log(`| ${r.page} | ${kb(r.html)} KB | ${kb(r.wasm)} KB | ${kb(r.js)} KB | ${kb(r.css)} KB | **${kb(r.code)} KB** | ${budget} | ${kb(r.api)} KB |`);
}
