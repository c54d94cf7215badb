import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * The page has no WCAG 2.1 A/AA violation axe can find (each one listed with its nodes
 * if it has). A soft assertion: a journey that checks several widths and schemes
 * reports all of them, then fails.
 */
export async function expectNoAxeViolations(page: Page, where = "") {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect.soft(found, `axe on ${page.url()} ${where}`).toEqual([]);
}

/** Desktop and phone widths for screenshots and accessibility checks. */
export const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
