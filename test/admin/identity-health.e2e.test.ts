// The admin app's Identity health page in headless Chromium: the real server with real statements, a merge and an
// undo; the page shows the figures from GET /v1/stats/identity, its charts are named images with their numbers in
// tables, the keyboard reaches a chart's table, axe finds no serious violation, and a screenshot is kept.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../http/http-support.ts';
import { ensureAdminBuilt, launchChromium, screenshot, seriousAxeViolations } from './admin-browser.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xapi', 'xapi-valid-statements.jsonl');

describe('admin web app: identity health in headless Chromium', function () {
  this.timeout(120_000);
  let api: TestApi;
  let browser: Browser;
  let page: Page;

  before(async function () {
    ensureAdminBuilt();
    api = await startTestApi();
    const statements = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect((await api.request('POST', '/v1/statements?wait=true', { body: statements })).status).to.equal(200);
    const people = (await api.request('GET', '/v1/personas?limit=3&sort=createdAt')).body.data.map((person: { id: string }) => person.id);
    expect((await api.request('POST', `/v1/personas/${people[0]}/merge`, { body: { from: [people[1]] } })).status).to.equal(201);
    const undone = await api.request('POST', `/v1/personas/${people[0]}/merge`, { body: { from: [people[2]] } });
    expect((await api.request('POST', `/v1/merges/${undone.body.id}/undo`)).status).to.equal(200);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async function () {
    await browser?.close();
    await api?.close();
  });

  it('shows the figures and charts of personas, merges and the de-duplication rate, accessibly', async function () {
    const figures = (await api.request('GET', '/v1/stats/identity?days=30')).body;
    await page.goto(`${api.baseUrl}/admin/`);
    await page.getByLabel('API key').fill(api.admin.key);
    await page.getByLabel('Secret').fill(api.admin.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Identity health' }).click();
    await page.getByRole('heading', { level: 1, name: 'Identity health' }).waitFor();

    const summary = page.getByRole('region', { name: 'Now' });
    await summary.getByText('De-duplication rate').waitFor();
    expect(await summary.innerText())
      .to.contain(`People\n${figures.personas.toLocaleString('en')}`)
      .and.contain(`De-duplication rate\n${(figures.deduplicationRate * 100).toFixed(1)}%`);
    const merges = page.getByRole('img', { name: /^Merges and undos per day: 2 merges and 1 undos in 30 days$/ });
    await merges.waitFor();
    await page.getByRole('img', { name: /^People over time: / }).waitFor();
    await page.getByRole('img', { name: /^De-duplication rate: [0-9.]+% on / }).waitFor();

    // The keyboard opens a chart's table, which holds today's numbers.
    const tableSummary = page.getByText('Merges and undos per day as a table');
    await tableSummary.focus();
    await page.keyboard.press('Enter');
    const today = figures.series[figures.series.length - 1].date;
    const row = page.getByRole('row', { name: new RegExp(`^${today}`) }).first();
    expect((await row.innerText()).split('\t').map((cell) => cell.trim())).to.deep.equal([today, '2', '1']);

    const violations = await seriousAxeViolations(page);
    expect(violations, JSON.stringify(violations, null, 1)).to.deep.equal([]);
    await screenshot(page, 'identity-health');
  });
});
