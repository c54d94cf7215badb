import type { Locator, Page } from "@playwright/test";

export class TopNav {
  readonly userName: Locator;
  readonly userRole: Locator;
  readonly signInLink: Locator;
  readonly signOut: Locator;

  constructor(readonly page: Page) {
    this.userName = page.getByTestId("user-name");
    this.userRole = page.getByTestId("user-role");
    this.signInLink = page.getByTestId("nav-sign-in");
    this.signOut = page.getByTestId("sign-out");
  }

  link(area: "chat" | "reviews" | "audit" | "usage" | "settings"): Locator {
    return this.page.getByTestId(`nav-link-${area}`);
  }
}
