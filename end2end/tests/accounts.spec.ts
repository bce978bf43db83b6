import { expect, test } from "@playwright/test";
import { logIn, open, PASSWORD, signUp, uniqueEmail } from "./helpers";

test("a new user signs up, logs out and logs in again", async ({ page }) => {
  const email = uniqueEmail();
  await signUp(page, email);
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toHaveCount(0);

  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toBeVisible();

  // The session survives a reload: it lives on the server, not in the page.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
});

test("a wrong password is refused with one message and keeps the user out", async ({ page }) => {
  const email = uniqueEmail();
  await signUp(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();

  await logIn(page, email, "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  // What the user typed stays in place for the next try.
  await expect(page.getByLabel("Email")).toHaveValue(email);

  // An unknown email gets exactly the same answer.
  await page.getByLabel("Email").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");

  await open(page, "/settings");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("a page behind the login shows the login page, then itself after login", async ({ page }) => {
  const email = uniqueEmail();
  await signUp(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();

  await open(page, "/settings/security");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(page.getByText("Two-factor authentication for your account (2FA)")).toHaveCount(0);

  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Security", exact: true })).toBeVisible();
  await expect(page.getByText("Two-factor authentication for your account (2FA)")).toBeVisible();
});

test("Settings at the bottom left leads to the Security section", async ({ page }) => {
  await signUp(page, uniqueEmail());
  const settings = page.getByRole("link", { name: "Settings" });
  const box = await settings.boundingBox();
  const viewport = page.viewportSize();
  expect(box && viewport).toBeTruthy();
  expect(box!.x).toBeLessThan(viewport!.width / 3);
  expect(box!.y).toBeGreaterThan(viewport!.height / 2);

  await settings.click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Security", exact: true })).toBeVisible();
  await expect(page.getByText("Two-factor authentication for your account (2FA)")).toBeVisible();
});

test("sign-up explains a short password, a malformed email and a taken email", async ({ page }) => {
  const email = uniqueEmail();
  await open(page, "/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Use a password of at least 12 characters.");

  await page.getByLabel("Email").fill("ada@example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText("Enter a valid email address, like name@example.com.");

  // The email typed comes back with the error; a password never does.
  await expect(page.getByLabel("Email")).toHaveValue("ada@example");
  await expect(page.getByLabel("Password")).toHaveValue("");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();

  await open(page, "/signup");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "An account with this email address already exists. Log in instead.",
  );
});
