// Opens GraphiQL in Debian's Chromium against a live server, offline: every request to another
// origin is blocked and counted. The page is served with `Content-Security-Policy-Report-Only:
// script-src 'self'` added, so that an inline script shows as a violation (report-only, so that a
// script from another origin is still attempted, and counted). Types `{ __typename }`,
// runs it, reads the result pane, saves a screenshot, and prints one JSON object.
// Every wait has a deadline; nothing sleeps.
// Usage: node graphiql.mjs http://127.0.0.1:PORT SCREENSHOT.png
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, screenshot] = process.argv.slice(2);
if (!base || !screenshot) {
  console.error('usage: node graphiql.mjs ORIGIN SCREENSHOT');
  process.exit(2);
}
const origin = new URL(base).origin;
const STEP_MS = 30_000;
const CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";
const QUERY = '{ __typename }';

const report = {
  status: null,
  blocked: [],
  requests: [],
  cspViolations: [],
  pageErrors: [],
  consoleErrors: [],
  query: null,
  result: null,
  screenshot: null,
  error: null,
};

// CodeMirror's lines, without the gutter's numbers, with its no-break spaces as spaces.
const text = (lines) => lines.join('\n').replaceAll('\u00a0', ' ');

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphiql-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'block',
    timeout: STEP_MS,
  });
  context.setDefaultTimeout(STEP_MS);

  // Anything not from the server under test is refused before it leaves the browser.
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.origin !== origin) {
      report.blocked.push(`${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    }
    report.requests.push(`${request.method()} ${url.pathname}`);
    if (request.resourceType() === 'document') {
      const response = await route.fetch();
      return route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy-report-only': CSP },
      });
    }
    return route.continue();
  });
  await context.routeWebSocket(/.*/, (ws) => {
    report.blocked.push(`WEBSOCKET ${ws.url()}`);
    ws.close();
  });
  await context.exposeBinding('__cspViolation', (_source, violation) => {
    report.cspViolations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => report.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });

  const response = await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
  report.status = response.status();

  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor({ state: 'visible' });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(QUERY);
  report.query = text(await editor.locator('.CodeMirror-code .CodeMirror-line').allInnerTexts());

  await page.locator('button.graphiql-execute-button').click();
  const pane = page.locator('.graphiql-response .CodeMirror-code');
  await pane.getByText('__typename').first().waitFor({ state: 'visible' });
  await pane.getByText('Query').first().waitFor({ state: 'visible' });
  report.result = text(await pane.locator('.CodeMirror-line').allInnerTexts());

  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  report.screenshot = screenshot;
} catch (error) {
  report.error = String(error?.stack ?? error);
} finally {
  await context?.close().catch(() => {});
  // Chromium's helper processes can still be writing the profile for a moment after the
  // context closes (ENOTEMPTY): retry, and leave a stray temporary folder rather than fail a
  // run whose checks already passed.
  try {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  } catch (error) {
    console.error(`left ${userDataDir}: ${error}`);
  }
}
console.log(JSON.stringify(report));
process.exit(report.error ? 1 : 0);
