import { expect, type Page, test } from "@playwright/test";
import { confirmAddress, enroll, logIn, open, openSecurity, PASSWORD, signUp, uniqueEmail } from "./helpers";
import { serverAdmin } from "./server_admin";
import { appCode } from "./totp";
import { WORDS } from "./words";

// Run by the "phone" project only (a 390x844 touch screen, as an iPhone 14's).

/** Fails when the page is wider than the screen (something cut off, or a sideways scroll), or
 * when a control that shows lies partly off the screen, where a thumb cannot reach it. */
async function expectFitsTheScreen(page: Page, where: string) {
  const found = await page.evaluate(() => {
    // The phone's own width: a mobile browser widens its layout to fit a page that is too wide,
    // so the window's width would grow with the fault.
    const screen = window.screen.width;
    const problems: string[] = [];
    const width = document.documentElement.scrollWidth;
    if (width > screen) problems.push(`the page is ${width} px wide on a ${screen} px screen`);
    const controls = document.querySelectorAll("a, button, input, select, textarea, [role=switch]");
    for (const control of Array.from(controls)) {
      const box = control.getBoundingClientRect();
      const shown = box.width > 0 && box.height > 0 && getComputedStyle(control).visibility !== "hidden";
      // Inside a box that scrolls sideways on purpose (a wide table), a control is reached by scrolling it.
      const scrolled = control.closest(".table-scroll");
      if (shown && !scrolled && (box.left < -0.5 || box.right > screen + 0.5)) {
        const name = (control.getAttribute("aria-label") ?? control.textContent ?? control.getAttribute("name") ?? "").trim();
        problems.push(`${control.tagName.toLowerCase()} "${name.slice(0, 40)}" spans ${Math.round(box.left)}..${Math.round(box.right)} px`);
      }
    }
    return problems;
  });
  expect(found, `${where}:\n${found.join("\n")}`).toEqual([]);
}

for (const language of ["en", "nl"] as const) {
  test.describe(language === "en" ? "in English" : "in Dutch", () => {
    test.use({ locale: language === "en" ? "en-US" : "nl-NL" });

    test(`the article's setup and a login fit a phone's screen (${language})`, async ({ page }) => {
      const w = WORDS[language];
      await open(page, "/");
      await expectFitsTheScreen(page, "login");
      await open(page, "/signup");
      await expectFitsTheScreen(page, "sign-up");
      await open(page, "/forgot-password");
      await expectFitsTheScreen(page, "forgot password");

      const email = uniqueEmail(`phone-${language}`);
      await signUp(page, email, PASSWORD, w);
      await expectFitsTheScreen(page, "Inbox, address not yet confirmed");
      await confirmAddress(page, email, w);
      await open(page, "/settings");
      await expectFitsTheScreen(page, "Settings");
      await openSecurity(page, w);
      await expectFitsTheScreen(page, "Settings > Security");

      await page.getByRole("switch", { name: w.twoFactorSwitch }).tap();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel(w.password).fill(PASSWORD);
      await expectFitsTheScreen(page, "setup step 1");
      await dialog.getByRole("button", { name: w.next }).tap();
      await expect(dialog.getByRole("heading", { name: w.chooseMethod })).toBeVisible();
      await expectFitsTheScreen(page, "setup step 2");
      await dialog.getByRole("button", { name: w.next }).tap();
      await expect(dialog.getByRole("heading", { name: w.scanQrCode })).toBeVisible();
      await expectFitsTheScreen(page, "setup step 3");
      const keyField = dialog.getByRole("textbox", { name: w.key, exact: true });
      // The whole key shows, to be typed into the phone's app by hand.
      const cut = await keyField.evaluate((input: HTMLInputElement) => input.scrollWidth - input.clientWidth);
      expect(cut, "the key field hides part of the key").toBeLessThanOrEqual(0);
      const key = (await keyField.inputValue()).replace(/ /g, "");
      await dialog.getByRole("button", { name: w.next }).tap();
      await expectFitsTheScreen(page, "setup step 4");
      await dialog.getByRole("textbox", { name: w.code, exact: true }).fill(appCode(key));
      await dialog.getByRole("button", { name: w.verify }).tap();
      await expect(dialog.getByRole("heading", { name: w.saveBackupCodes })).toBeVisible();
      await expectFitsTheScreen(page, "setup step 5");
      await dialog.getByRole("button", { name: w.downloadCodes }).tap();
      await dialog.getByRole("button", { name: w.done }).tap();
      await expect(page.getByRole("switch", { name: w.twoFactorSwitch })).toHaveAttribute("aria-checked", "true");
      await expectFitsTheScreen(page, "Settings > Security with 2FA on");

      await page.getByRole("button", { name: w.logOut }).tap();
      await logIn(page, email, PASSWORD, w);
      await expect(page.getByText(w.codePrompt)).toBeVisible();
      await expectFitsTheScreen(page, "code prompt");
      await page.getByRole("textbox", { name: w.code, exact: true }).fill(appCode(key, 30));
      await page.getByRole("button", { name: w.verify }).tap();
      await expect(page.getByRole("heading", { name: w.inbox })).toBeVisible();
      await expectFitsTheScreen(page, "Inbox");
    });
  });
}

test("the link pages and the admin pages fit a phone's screen", async ({ page }) => {
  test.skip(!process.env.RELEASE_DATABASE_URL, "needs the server's database (scripts/test.sh)");
  await open(page, "/reset-password?token=not-a-token");
  await expectFitsTheScreen(page, "a reset link that does not work");
  await open(page, "/confirm-email?token=not-a-token");
  await expectFitsTheScreen(page, "a confirmation link that does not work");

  const admin = await enroll(page, uniqueEmail("phone-admin"));
  serverAdmin("grant", admin.email);
  await open(page, "/admin");
  await expect(page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  await expectFitsTheScreen(page, "admin: confirm it is you");
  await page.getByLabel("Code from your authenticator app, or a backup code").fill(appCode(admin.key, 30));
  await page.getByRole("button", { name: "Confirm" }).tap();
  await page.getByLabel("Search by email").fill(admin.email);
  await page.getByRole("button", { name: "Search" }).tap();
  // The search is a plain form: its answer is a new page, measured once it is there (measured at
  // once, the page could still be the one before it, or go away under the measure).
  await expect(page).toHaveURL(/[?&]search=/);
  await expect(page.getByRole("link", { name: admin.email })).toBeVisible();
  await expectFitsTheScreen(page, "admin: the account list");
  await page.getByRole("link", { name: admin.email }).tap();
  await expect(page.getByRole("heading", { name: admin.email })).toBeVisible();
  await expectFitsTheScreen(page, "admin: an account's page");
});
