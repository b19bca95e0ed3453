/** Per page: axe in both themes (no serious or critical violation) and screenshots at desktop and phone width. */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const SCREENSHOT_DIR = path.resolve("test-results/screenshots");
export const WIDTHS = [1280, 390] as const;
export const THEMES = ["light", "dark"] as const;

async function expectNoSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n  ")}`);
  expect(report, `axe on ${label}`).toEqual([]);
}

/** The theme follows the system by default: emulating the colour scheme switches it. */
async function useTheme(page: Page, theme: (typeof THEMES)[number]) {
  await page.emulateMedia({ colorScheme: theme });
  await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b).*$/);
  // Colour transitions started by the switch: axe would measure contrast halfway between the themes.
  // (Endless ones, a spinner, never finish and are left alone.)
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Waits until no skeleton or loading status is left, so screenshots show the finished page. */
export async function settle(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

export interface InspectOptions {
  /** The whole scrolled page (default), or what the viewport shows (smaller files; the set in docs/screenshots). */
  fullPage?: boolean;
  /** Where the screenshots go, named `<name>-<width>-<theme>.png`; default test-results/screenshots. */
  dir?: string;
  /** On the phone, nothing inside the page scrolls sideways either (a table in its card, say): rows instead. */
  nothingScrollsOnPhone?: boolean;
}

/** Elements that scroll sideways (their content is wider than they are), described for the failure message. */
async function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}${el.getAttribute("aria-label") ? ` "${el.getAttribute("aria-label")}"` : ""}: ${(el.textContent ?? "").slice(0, 60)}`),
  );
}

export async function inspectPage(page: Page, name: string, options: InspectOptions = {}) {
  // Local iteration on a flow only; CI always inspects.
  if (process.env.E2E_SKIP_INSPECT === "1" && !process.env.CI) return;
  const dir = options.dir ?? SCREENSHOT_DIR;
  fs.mkdirSync(dir, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  try {
    for (const theme of THEMES) {
      await useTheme(page, theme);
      await settle(page);
      await expectNoSeriousViolations(page, `${name} (${theme})`);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
        await settle(page);
        // Responsive means no sideways scrolling of the page itself (wide tables scroll inside their card).
        await expect
          .poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${name} fits ${width}px` })
          .toBeLessThanOrEqual(width);
        if (options.nothingScrollsOnPhone && width === 390)
          await expect.poll(() => sidewaysScrollers(page), { message: `${name}: nothing scrolls sideways at 390px` }).toEqual([]);
        // Sticky header and sidebar are drawn where the page is scrolled to: photograph from the top.
        if (options.fullPage ?? true) await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({
          path: path.join(dir, `${name}-${width}-${theme}.png`),
          fullPage: options.fullPage ?? true,
          animations: "disabled",
        });
      }
      await page.setViewportSize(original);
    }
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(original);
  }
}
