import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { enroll, islandsAwake, logIn, PASSWORD, TWO_FACTOR_SWITCH } from "./helpers";
import { appCode } from "./totp";

/** `server admin access-code`, run as the people who run the server would, against the database
 * and key of the server under test (scripts/release-server.sh exports them). */
function giveAccessCode(email: string): string {
  const printed = execFileSync(
    "../target/release/server",
    ["admin", "access-code", email, "--reason", "lost phone; identity checked by a video call", "--hours", "1"],
    {
      env: {
        ...process.env,
        DATABASE_URL: process.env.RELEASE_DATABASE_URL,
        WEBAPP_KEY_FILE: process.env.RELEASE_KEY_FILE,
        RUST_LOG: "warn",
      },
    },
  ).toString();
  const code = printed.match(/[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/);
  expect(code, printed).not.toBeNull();
  return code![0];
}

test("a person who lost the phone and the backup codes logs in with a temporary access code and sets up a new phone", async ({ page }) => {
  test.skip(!process.env.RELEASE_DATABASE_URL, "needs the server's database (scripts/test.sh)");
  const { email, key: oldKey } = await enroll(page);
  await page.getByRole("button", { name: "Log out" }).click();
  const code = giveAccessCode(email);

  await page.goto("/");
  await logIn(page, email);
  await page.getByRole("link", { name: /temporary access code/ }).click();
  await page.getByLabel("Temporary access code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Inbox" })).toHaveCount(0);

  // The article's setup, on the new phone.
  await islandsAwake(page);
  await page.getByRole("switch", { name: TWO_FACTOR_SWITCH }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("button", { name: "Next" }).click();
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  expect(key).not.toEqual(oldKey);
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem")).toHaveCount(10);
  await dialog.getByRole("button", { name: "Done" }).click();

  // Everything opens again, and the activity shows what happened.
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Security" }).click();
  const activity = page.getByRole("list", { name: "Security events" });
  await expect(activity).toContainText("Logged in with a temporary access code");
  await expect(activity).toContainText("Temporary access code given by an administrator");
});
