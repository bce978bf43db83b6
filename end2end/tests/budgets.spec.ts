import { expect, test } from "@playwright/test";
// Shared with the size report (scripts/size.sh), so the test and the README's table count alike.
import { BUDGETS, firstLoads } from "../measure/wire.mjs";

// Sizes are deterministic for a build: this is a test, not a benchmark. Brotli as served, first
// visit, empty cache, every byte of WASM, JS and CSS (headers included) as Chromium counts it.
test("every page's first visit stays within its budget of code", async ({ browser, baseURL }) => {
  const rows = await firstLoads(browser, baseURL!);
  const over = rows
    .filter((r) => r.page in BUDGETS && r.code > BUDGETS[r.page as keyof typeof BUDGETS])
    .map((r) => `${r.page}: ${r.code} B of code, budget ${BUDGETS[r.page as keyof typeof BUDGETS]} B`);
  for (const r of rows) console.log(`${r.page}: ${r.code} B of code (WASM ${r.wasm}, JS ${r.js}, CSS ${r.css})`);
  expect(over).toEqual([]);
  expect(rows.map((r) => r.page)).toEqual(expect.arrayContaining(Object.keys(BUDGETS)));
});
