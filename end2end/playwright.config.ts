import { defineConfig } from "@playwright/test";

// The server is started and stopped by scripts/test.sh (or `cargo leptos end-to-end`), which
// passes its address in BASE_URL.
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

// Playwright cannot download its own browser here: use Debian's.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /no_javascript|phone/,
      use: { browserName: "chromium", launchOptions },
    },
    {
      // Sign-up, login, the code prompt, backup codes and logout as plain forms.
      name: "chromium, JavaScript off",
      testMatch: /no_javascript/,
      use: { browserName: "chromium", javaScriptEnabled: false, launchOptions },
    },
    {
      // A 390x844 touch screen (an iPhone 14's), as a person on a phone uses the WebApp.
      name: "chromium, phone",
      testMatch: /phone/,
      use: {
        browserName: "chromium",
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        launchOptions,
      },
    },
  ],
});
