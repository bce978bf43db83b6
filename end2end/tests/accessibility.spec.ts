import { expect, Page, test } from "@playwright/test";
import { confirmAddress, enroll, islandsAwake, logIn, open, openSecurity, PASSWORD, signUp, TWO_FACTOR_SWITCH, uniqueEmail } from "./helpers";
import { expectAccessible } from "./axe";
import { appCode } from "./totp";
import { WORDS } from "./words";

/** Tabs until `target` has the focus, as a keyboard user would; fails after 40 presses. */
async function tabTo(page: Page, target: ReturnType<Page["getByRole"]>) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("never reached by Tab");
}

for (const language of ["en", "nl"] as const) {
  for (const colorScheme of ["light", "dark"] as const) {
    test.describe(`in ${language === "en" ? "English" : "Dutch"}`, () => {
      test.use({ locale: language === "en" ? "en-US" : "nl-NL" });
      test(`no WCAG 2.1 A or AA violation on any page or setup step (${language}, ${colorScheme})`, async ({ page }) => {
        const w = WORDS[language];
        await page.emulateMedia({ colorScheme });
        const email = uniqueEmail("axe");
        await signUp(page, email, PASSWORD, w);
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        await expectAccessible(page, "Inbox");
        await confirmAddress(page, email, w);
        await open(page, "/settings");
        await expectAccessible(page, "Settings");
        await openSecurity(page, w);
        await expectAccessible(page, "Security");

        await page.getByRole("switch", { name: w.twoFactorSwitch }).click();
        const dialog = page.getByRole("dialog");
        await expectAccessible(page, "setup step 1");
        await dialog.getByLabel(w.password).fill("not the password at all");
        await dialog.getByRole("button", { name: w.next }).click();
        await expect(dialog.getByRole("alert")).toBeVisible();
        await expectAccessible(page, "setup step 1 with an error");
        await dialog.getByLabel(w.password).fill(PASSWORD);
        await dialog.getByRole("button", { name: w.next }).click();
        await expect(dialog.getByRole("heading", { name: w.chooseMethod })).toBeVisible();
        await expectAccessible(page, "setup step 2");
        await dialog.getByRole("button", { name: w.next }).click();
        await expect(dialog.getByRole("heading", { name: w.scanQrCode })).toBeVisible();
        await expectAccessible(page, "setup step 3");
        const key = (await dialog.getByRole("textbox", { name: w.key, exact: true }).inputValue()).replace(/ /g, "");
        await dialog.getByRole("button", { name: w.next }).click();
        await expectAccessible(page, "setup step 4");
        await dialog.getByRole("textbox", { name: w.code, exact: true }).fill(appCode(key));
        await dialog.getByRole("button", { name: w.verify }).click();
        await expect(dialog.getByRole("heading", { name: w.saveBackupCodes })).toBeVisible();
        await expectAccessible(page, "setup step 5");
        await dialog.getByRole("button", { name: w.downloadCodes }).click();
        await dialog.getByRole("button", { name: w.done }).click();
        await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");
        await islandsAwake(page);
        await expectAccessible(page, "Security with 2FA on");

        await page.getByRole("button", { name: w.logOut }).click();
        await expectAccessible(page, "login");
        await logIn(page, email, "not the password at all", w);
        await expect(page.getByRole("alert")).toBeVisible();
        await expectAccessible(page, "login with an error");
        await open(page, "/signup");
        await expectAccessible(page, "sign-up");
        await open(page, "/forgot-password");
        await expectAccessible(page, "forgot password");
        await open(page, "/reset-password?token=not-a-token");
        await expectAccessible(page, "reset password, bad link");
        await open(page, "/");
        await logIn(page, email, PASSWORD, w);
        await expect(page.getByText(w.codePrompt)).toBeVisible();
        await expectAccessible(page, "code prompt");
      });
    });
  }
}

test("the whole setup with the keyboard alone", async ({ page }) => {
  const email = uniqueEmail("keyboard");
  await signUp(page, email);
  await confirmAddress(page, email);
  await open(page, "/settings/security");
  const toggle = page.getByRole("switch", { name: TWO_FACTOR_SWITCH });
  await tabTo(page, toggle);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  // Each step puts the focus on its field or its main button.
  await expect(dialog.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("radio", { name: "Authenticator App (recommended)" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "Next" })).toBeFocused();
  // Reading the key off the screen, as a person typing it into a phone would.
  const key = (await dialog.getByRole("textbox", { name: "Key", exact: true }).inputValue()).replace(/ /g, "");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("textbox", { name: "Code", exact: true })).toBeFocused();
  await page.keyboard.type(appCode(key));
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("heading", { name: "Save your backup codes" })).toBeVisible();
  // Download is the last step's main action; Done before it asks, and the question takes the focus.
  await expect(dialog.getByRole("button", { name: "Download backup codes" })).toBeFocused();
  await tabTo(page, dialog.getByRole("button", { name: "Done" }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "No, back to the codes" })).toBeFocused();
  await page.keyboard.press("Enter");
  await tabTo(page, dialog.getByRole("button", { name: "Download backup codes" }));
  await page.keyboard.press("Enter");
  await tabTo(page, dialog.getByRole("button", { name: "Done" }));
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
});

test("Escape closes the modal and gives the focus back to the switch; errors are tied to their fields", async ({ page }) => {
  const email = uniqueEmail("escape");
  await signUp(page, email);
  await confirmAddress(page, email);
  await openSecurity(page);
  const toggle = page.getByRole("switch", { name: TWO_FACTOR_SWITCH });
  await tabTo(page, toggle);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  // Tab stays inside the modal.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  const password = dialog.getByLabel("Password");
  await password.fill("not the password at all");
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("alert")).toContainText("Incorrect password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/Incorrect password/);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(toggle).toBeFocused();
});

test("a refused plain form marks its fields and describes them with the error", async ({ page }) => {
  const { email } = await enroll(page);
  await page.getByRole("button", { name: "Log out" }).click();
  await logIn(page, email, "not the password at all");
  const field = page.getByLabel("Password");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription("Incorrect email or password.");
});
