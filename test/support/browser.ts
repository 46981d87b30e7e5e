import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Real headless Chromium for tests and doc images: Debian's `chromium` driven by `puppeteer-core` (no bundled browser
 * download). One browser per process, started on first use; call {@link closeBrowser} in `afterAll`.
 *
 * @example
 * const { result, consoleErrors } = await withPage(html, (page) => page.evaluate(() => document.title), { width: 390 });
 */

/** Where Chromium is looked for, first hit wins (`CHROMIUM_PATH` overrides). */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

/** Flags for root and CI containers: no sandbox (root), new headless mode, no GPU, /tmp instead of a small /dev/shm. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'] as const;

/** The Chromium executable, or null when none is installed (`.ci/run` installs Debian's chromium; `browser()` then fails, naming the paths tried). */
export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ?? null;
}

let launching: Promise<Browser> | null = null;

/** The shared browser, launched on first call. Throws with the paths tried when Chromium is missing. */
export async function browser(): Promise<Browser> {
  if (!launching) {
    const executablePath = chromiumPath();
    if (!executablePath) {
      throw new Error(`Chromium not found (tried CHROMIUM_PATH, ${CHROMIUM_CANDIDATES.join(', ')}); install Debian's chromium package`);
    }
    launching = puppeteer.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
    launching.catch(() => {
      launching = null;
    });
  }
  return launching;
}

/** Closes the shared browser (idempotent). */
export async function closeBrowser(): Promise<void> {
  const current = launching;
  launching = null;
  if (current) await (await current).close().catch(() => undefined);
}

/** Options of a page: viewport width (CSS px, default 1280), height (default 800), device scale factor (default 1). */
export interface PageOptions {
  width?: number;
  height?: number;
  deviceScaleFactor?: number;
}

/** What a page reported while it was open: console errors, uncaught page errors, failed requests. */
export interface PageProblems {
  consoleErrors: string[];
}

/**
 * Opens `html` in a fresh page, runs `fn`, closes the page. Console `error` messages, uncaught exceptions and failed
 * requests are collected in `consoleErrors` (a clean page has none).
 */
export async function withPage<T>(html: string, fn: (page: Page) => Promise<T>, options: PageOptions = {}): Promise<{ result: T } & PageProblems> {
  const page = await (await browser()).newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
  page.on('requestfailed', (request) => consoleErrors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  try {
    await page.setViewport({ width: options.width ?? 1280, height: options.height ?? 800, deviceScaleFactor: options.deviceScaleFactor ?? 1 });
    await page.setContent(html, { waitUntil: 'load' });
    const result = await fn(page);
    return { result, consoleErrors };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/**
 * Height in CSS px of the rendered content (what a reader scrolls through), independent of the viewport height and of
 * quirks mode: the lowest bottom edge of any element in the body, plus the body's bottom margin and padding.
 */
export function documentHeight(page: Page): Promise<number> {
  // A string: the test project compiles without the DOM library.
  return page.evaluate(`(() => {
    const body = document.body;
    if (!body) return 0;
    let bottom = 0;
    for (const element of Array.from(body.querySelectorAll('*'))) {
      const rect = element.getBoundingClientRect();
      if (rect.height > 0) bottom = Math.max(bottom, rect.bottom + window.scrollY);
    }
    const style = getComputedStyle(body);
    return Math.ceil(bottom + parseFloat(style.paddingBottom) + parseFloat(style.marginBottom));
  })()`) as Promise<number>;
}

/**
 * Renders `html` at `width` and writes a PNG of its content (full width, {@link documentHeight} tall; device scale
 * factor 2 unless given) to `pngPath`, directories created. Returns the content height in CSS px and the console errors.
 */
export async function screenshot(html: string, pngPath: string, options: PageOptions = {}): Promise<{ height: number } & PageProblems> {
  await mkdir(dirname(pngPath), { recursive: true });
  const { result, consoleErrors } = await withPage(
    html,
    async (page) => {
      const height = await documentHeight(page);
      const width = (await page.evaluate('document.documentElement.clientWidth')) as number;
      await page.screenshot({ path: pngPath as `${string}.png`, clip: { x: 0, y: 0, width, height: Math.max(height, 1) }, captureBeyondViewport: true });
      return height;
    },
    { deviceScaleFactor: 2, ...options },
  );
  return { height: result, consoleErrors };
}
