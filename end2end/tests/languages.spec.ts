import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { comeFromOwnAddress, confirmAddress, islandsAwake, logIn, open, openSecurity, PASSWORD, signUp, uniqueEmail } from "./helpers";
import { appCode } from "./totp";
import { WORDS } from "./words";

const nl = WORDS.nl;

test.describe("a browser that asks for Dutch", () => {
  // A browser in Amsterdam: the times shown are in its zone and language, not UTC.
  test.use({ locale: "nl-NL", timezoneId: "Europe/Amsterdam" });

  test("gets the article's setup and a login with a code in Dutch, errors from the server too", async ({ page }) => {
    const email = uniqueEmail("nl");
    await signUp(page, email, PASSWORD, nl);
    await expect(page.locator("html")).toHaveAttribute("lang", "nl");
    await confirmAddress(page, email, nl);
    await openSecurity(page, nl);
    const toggle = page.getByRole("switch", { name: nl.twoFactorSwitch });
    await expect(toggle).toContainText("Uit");
    await toggle.click();
    const dialog = page.getByRole("dialog", { name: "Tweestapsverificatie" });
    await expect(dialog.getByText("Stap 1 van 5")).toBeVisible();
    await dialog.getByLabel(nl.password).fill("not the password at all");
    await dialog.getByRole("button", { name: nl.next }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Onjuist wachtwoord.");
    await dialog.getByLabel(nl.password).fill(PASSWORD);
    await dialog.getByRole("button", { name: nl.next }).click();
    await expect(dialog.getByRole("heading", { name: nl.chooseMethod })).toBeVisible();
    await expect(dialog.getByRole("radio", { name: nl.appRecommended })).toBeChecked();
    await dialog.getByRole("button", { name: nl.next }).click();
    await expect(dialog.getByRole("heading", { name: nl.scanQrCode })).toBeVisible();
    await expect(dialog.getByRole("complementary", { name: "Let op" })).toContainText("meerdere smartphones");
    const key = (await dialog.getByRole("textbox", { name: nl.key, exact: true }).inputValue()).replace(/ /g, "");
    await dialog.getByRole("button", { name: nl.next }).click();
    await dialog.getByRole("textbox", { name: nl.code, exact: true }).fill("12345");
    await dialog.getByRole("button", { name: nl.verify }).click();
    await expect(dialog.getByRole("alert")).toContainText("precies 6 cijfers");
    await dialog.getByRole("textbox", { name: nl.code, exact: true }).fill(appCode(key));
    await dialog.getByRole("button", { name: nl.verify }).click();
    await expect(dialog.getByRole("heading", { name: nl.saveBackupCodes })).toBeVisible();
    await expect(dialog.getByRole("list", { name: nl.backupCodes }).getByRole("listitem")).toHaveCount(10);
    const download = page.waitForEvent("download");
    await dialog.getByRole("button", { name: "Back-upcodes downloaden" }).click();
    const text = readFileSync(await (await download).path(), "utf8");
    expect(text).toContain("Elke code werkt één keer");
    await dialog.getByRole("button", { name: nl.done }).click();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await expect(toggle).toContainText("Aan");
    await expect(page.getByText(/^\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? 20\d\d \d\d:\d\d CES?T$/).first()).toBeVisible();
    await expect(page.getByText(/\d\d:\d\d UTC/)).toHaveCount(0);

    await page.getByRole("button", { name: nl.logOut }).click();
    await logIn(page, email, PASSWORD, nl);
    await expect(page.getByText(nl.codePrompt)).toBeVisible();
    await page.getByRole("textbox", { name: nl.code, exact: true }).fill(appCode(key, 30));
    await page.getByRole("button", { name: nl.verify }).click();
    // Logged out to /, logged in to the Inbox, in Dutch.
    await expect(page.getByRole("heading", { name: nl.inbox, exact: true })).toBeVisible();
  });
});

test("the language menu switches every page and remembers the choice", async ({ page }) => {
  await comeFromOwnAddress(page);
  await open(page, "/signup");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const menu = page.getByRole("navigation", { name: "Language" });
  await expect(menu.getByRole("button", { name: "English" })).toHaveAttribute("aria-current", "true");
  await menu.getByRole("button", { name: "Nederlands" }).click();
  // Back on the same page, now in Dutch.
  await expect(page).toHaveURL(/\/signup\??$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
  await expect(page.getByRole("button", { name: nl.createAccount })).toBeVisible();
  // The server's refusals follow the choice too.
  await open(page, "/");
  await logIn(page, uniqueEmail("nobody"), "not the password at all", nl);
  await expect(page.getByRole("alert")).toHaveText("Onjuist e-mailadres of wachtwoord.");

  // The choice is kept: another page, and the island's page after a sign-up, are Dutch too.
  const email = uniqueEmail("menu");
  await open(page, "/signup");
  await page.getByLabel(nl.email).fill(email);
  await page.getByLabel(nl.password).fill(PASSWORD);
  await page.getByRole("button", { name: nl.createAccount }).click();
  await openSecurity(page, nl);
  await expect(page.getByRole("switch", { name: nl.twoFactorSwitch })).toBeVisible();

  const dutchMenu = page.getByRole("navigation", { name: "Taal" });
  await expect(dutchMenu.getByRole("button", { name: "Nederlands" })).toHaveAttribute("aria-current", "true");
  await dutchMenu.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await islandsAwake(page);
  await expect(page.getByRole("switch", { name: WORDS.en.twoFactorSwitch })).toBeVisible();
});

test("an API client gets messages in the language it asks for, with the same error codes", async ({ request }) => {
  const email = uniqueEmail("api");
  const attempt = (language: string) =>
    request.post("/api/login", {
      form: { email, password: "wrong password here" },
      headers: { "Accept-Language": language, "X-Forwarded-For": "10.99.0.1" },
    });
  const [english, dutch] = [await (await attempt("en-GB")).json(), await (await attempt("nl-BE,nl;q=0.9")).json()];
  expect(english.error).toBe("invalid_credentials");
  expect(dutch.error).toBe("invalid_credentials");
  expect(english.message).toBe("Incorrect email or password.");
  expect(dutch.message).not.toBe(english.message);
  expect(dutch.message).toMatch(/wachtwoord/);
});
