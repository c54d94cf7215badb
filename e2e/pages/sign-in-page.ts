import type { Locator, Page } from "@playwright/test";
import { STAFF, type StaffKey } from "../support/accounts";

export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByTestId("sign-in-email");
    this.password = page.getByTestId("sign-in-password");
    this.submit = page.getByTestId("sign-in-submit");
    this.error = page.getByTestId("sign-in-error");
  }

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl ? `/sign-in?${new URLSearchParams({ callbackUrl })}` : "/sign-in");
  }

  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** Signs in as a demo account and waits until the app has left the sign-in page. */
  async signInAs(who: StaffKey, callbackUrl?: string) {
    await this.goto(callbackUrl);
    await this.signIn(STAFF[who].email, STAFF[who].password);
    await this.page.waitForURL((url) => url.pathname !== "/sign-in");
  }
}
