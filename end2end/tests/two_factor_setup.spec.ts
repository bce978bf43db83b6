import { expect, Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { confirmAddress, open, openSecurity, PASSWORD, signUp, uniqueEmail } from "./helpers";
import { appCode, decodeQr, withSpace } from "./totp";

const SWITCH = "Two-factor authentication for your account (2FA)";

async function passPasswordAndMethod(page: Page) {
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("Step 1 of 5")).toBeVisible();
  await expect(dialog.getByLabel("Password")).toBeFocused();
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Next" }).click();

  await expect(dialog.getByText("Step 2 of 5")).toBeVisible();
  await expect(dialog.getByRole("radio", { name: "Authenticator App (recommended)" })).toBeChecked();
  // SMS is offered too, told apart as less safe (its steps: sms.spec.ts).
  await expect(dialog.getByRole("radio", { name: "SMS" })).toBeEnabled();
  await expect(dialog.getByText("A text message is less safe than an app")).toBeVisible();
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByText("Step 3 of 5")).toBeVisible();
}

test("a user turns on 2FA as the help article describes", async ({ page }, testInfo) => {
  const email = uniqueEmail("setup");
  await signUp(page, email);
  await confirmAddress(page, email);
  await openSecurity(page);

  const toggle = page.getByRole("switch", { name: SWITCH });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await toggle.click();

  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute("aria-modal", "true");

  // A wrong password: a clear message, and the modal stays open.
  await dialog.getByLabel("Password").fill("not my password");
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Incorrect password.");
  await expect(dialog.getByText("Step 1 of 5")).toBeVisible();

  await passPasswordAndMethod(page);

  // Step 3 opens at its title and step counter (in a 1280x800 window), then the QR code, the
  // key for typing by hand, a line for other apps, and the note about more smartphones after it.
  await expect(dialog.getByRole("heading", { name: "Scan the QR code" })).toBeInViewport();
  await expect(dialog.getByText("Step 3 of 5")).toBeInViewport();
  await expect(dialog.getByText(/Another authenticator app/)).toBeVisible();
  await expect(dialog.getByText(/multiple smartphones/)).toHaveCount(1);
  const note = await dialog.getByText(/multiple smartphones/).boundingBox();
  const keyBox = await dialog.getByRole("textbox", { name: "Key", exact: true }).boundingBox();
  expect(note!.y).toBeGreaterThan(keyBox!.y);
  const keyShown = await dialog.getByRole("textbox", { name: "Key", exact: true }).evaluate(
    (input: HTMLInputElement) => input.scrollWidth <= input.clientWidth,
  );
  expect(keyShown, "the whole key is in view").toBe(true);
  await expect(dialog.getByRole("textbox", { name: "Account name" })).toHaveValue(email);
  const groupedKey = await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue();
  expect(groupedKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const key = groupedKey.replace(/ /g, "");
  await expect(dialog.getByRole("button", { name: /Copy/ })).toHaveCount(2);

  const qrPath = testInfo.outputPath("qr.png");
  await dialog.getByRole("img", { name: "QR code" }).screenshot({ path: qrPath });
  expect(decodeQr(qrPath)).toBe(
    `otpauth://totp/WebApp:${email}?secret=${key}&issuer=WebApp&algorithm=SHA1&digits=6&period=30`,
  );

  // Esc abandons the setup without changing the account...
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-checked", "false");

  // ...and reopening shows the same pending key, so one saved for other phones stays valid.
  await toggle.click();
  await passPasswordAndMethod(page);
  await expect(dialog.getByRole("textbox", { name: "Key", exact: true })).toHaveValue(groupedKey);
  await dialog.getByRole("button", { name: "Next" }).click();

  // Step 4: the code, as the phone shows it (with a space), from an independent TOTP.
  await expect(dialog.getByText("Step 4 of 5")).toBeVisible();
  const codeField = dialog.getByRole("textbox", { name: "Code", exact: true });
  await expect(codeField).toBeFocused();
  await expect(codeField).toHaveAttribute("inputmode", "numeric");
  await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
  await codeField.fill("12345");
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("alert")).toContainText("exactly 6 digits");

  // Back to the QR code and forth again, the same key.
  await dialog.getByRole("button", { name: "Back" }).click();
  await expect(dialog.getByText("Step 3 of 5")).toBeVisible();
  await expect(dialog.getByRole("textbox", { name: "Key", exact: true })).toHaveValue(groupedKey);
  await dialog.getByRole("button", { name: "Next" }).click();
  await expect(codeField).toBeFocused();

  await codeField.fill(withSpace(appCode(key)));
  await dialog.getByRole("button", { name: "Verify" }).click();

  // Step 5: ten backup codes, downloadable as a file that holds them.
  await expect(dialog.getByText("Step 5 of 5")).toBeVisible();
  const list = dialog.getByRole("list", { name: "Backup codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const codes = (await list.getByRole("listitem").allInnerTexts()).map((c) => c.trim());
  for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    dialog.getByRole("button", { name: "Download backup codes" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^WebApp-backup-codes-\d{4}-\d{2}-\d{2}\.txt$/);
  const file = readFileSync(await download.path(), "utf8");
  for (const code of codes) expect(file).toContain(code);
  expect(file).toContain(email);
  await expect(dialog.getByRole("button", { name: "Copy" })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Print" })).toBeVisible();

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(page.getByText("Backup codes left")).toBeVisible();
  // The page came back with the focus where it was: on the switch (and no anchor left behind).
  await expect(toggle).toBeFocused();
  expect(page.url()).not.toContain("#");

  await page.reload();
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await expect(page.getByRole("switch", { name: SWITCH })).toHaveAttribute("aria-checked", "true");
});

test("Cancel closes the setup and leaves 2FA off", async ({ page }) => {
  const email = uniqueEmail("cancel");
  await signUp(page, email);
  await confirmAddress(page, email);
  await open(page, "/settings/security");
  const toggle = page.getByRole("switch", { name: SWITCH });
  await toggle.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Password")).toBeFocused();
  // Focus stays in the modal: tabbing around never leaves it.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await page.reload();
  await expect(page.getByRole("switch", { name: SWITCH })).toHaveAttribute("aria-checked", "false");
});

test("the last step does not close on backup codes never saved, and prints them as a page of their own", async ({ page }) => {
  const email = uniqueEmail("unsaved");
  await signUp(page, email);
  await confirmAddress(page, email);
  await openSecurity(page);
  await page.getByRole("switch", { name: SWITCH }).click();
  await passPasswordAndMethod(page);
  const dialog = page.getByRole("dialog");
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  await dialog.getByRole("button", { name: "Next" }).click();
  await dialog.getByRole("textbox", { name: "Code", exact: true }).fill(appCode(key));
  await dialog.getByRole("button", { name: "Verify" }).click();
  await expect(dialog.getByRole("list", { name: "Backup codes" }).getByRole("listitem")).toHaveCount(10);
  await expect(dialog.getByRole("button", { name: "Download backup codes" })).toBeFocused();

  // Escape and Done ask first, until the codes are kept.
  const question = dialog.getByRole("alert").filter({ hasText: "Have you saved your backup codes?" });
  await page.keyboard.press("Escape");
  await expect(question).toBeVisible();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "No, back to the codes" }).click();
  await expect(question).toBeHidden();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(question).toBeVisible();
  await dialog.getByRole("button", { name: "No, back to the codes" }).click();

  // Printed, the page is the codes under the site, the account, the date and what they are for.
  await page.emulateMedia({ media: "print" });
  // (The dialog itself is hidden in print, all but the codes: look for them on the page.)
  const heading = page.getByText(/^WebApp backup codes/);
  await expect(heading).toBeVisible();
  await expect(heading).toContainText(email);
  await expect(heading).toContainText("Each code works once");
  await expect(page.getByRole("switch", { name: SWITCH })).toBeHidden();
  await page.emulateMedia({ media: "screen" });
  await expect(heading).toBeHidden();

  await dialog.getByRole("button", { name: "Print" }).click();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("switch", { name: SWITCH })).toHaveAttribute("aria-checked", "true");
});
