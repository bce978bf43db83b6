import { defineConfig } from "@playwright/test";

// The pictures of the README (scripts/screenshots.sh), not tests: one browser, one size.
export default defineConfig({
  testDir: "./screenshots",
  testMatch: /.*\.shots\.ts/,
  timeout: 60_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    viewport: { width: 880, height: 640 },
    deviceScaleFactor: 1,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"],
    },
  },
});
