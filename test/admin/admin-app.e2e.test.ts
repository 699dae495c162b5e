// The admin web app end to end: the real server on an embedded store seeded with the real statements of
// test/fixtures/xapi, driven in headless Chromium through the accessible names the issue fixes (API key, Secret,
// Search people, Merge…, Merge into, Merge preview, Confirm merge, Undo merge, Erase…, Export). Every page gets an
// axe-core check; each test leaves a screenshot in test-results/admin/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../http/http-support.ts';
import { ensureAdminBuilt, launchChromium, screenshot, seriousAxeViolations } from './admin-browser.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xapi', 'xapi-valid-statements.jsonl');

describe('admin web app in headless Chromium', function () {
  this.timeout(120_000);
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function createPerson(name: string, email: string, attributes: Record<string, string>): Promise<string> {
    const answer = await api.request('POST', '/v1/personas', {
      body: { name, identifiers: [{ key: 'mbox', value: `mailto:${email}` }], attributes },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.id;
  }

  async function expectAccessible(name: string): Promise<void> {
    const violations = await seriousAxeViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
  }

  async function searchPeople(text: string): Promise<void> {
    await page.goto(`${api.baseUrl}/admin/people`);
    await page.getByLabel('Search people').fill(text);
  }

  before(async function () {
    ensureAdminBuilt();
    api = await startTestApi();
    const statements = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const seeded = await api.request('POST', '/v1/statements?wait=true', { body: statements });
    expect(seeded.status, JSON.stringify(seeded.body).slice(0, 300)).to.equal(200);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async function () {
    await browser?.close();
    await api?.close();
  });

  it('signs in with a key and secret, and shows the organisation and scopes', async function () {
    await page.goto(`${api.baseUrl}/admin/`);
    await expectAccessible('sign-in');
    await page.getByLabel('API key').fill(api.admin.key);
    await page.getByLabel('Secret').fill('wrong-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'auth.invalid_credentials' }).waitFor();
    await page.getByLabel('Secret').fill(api.admin.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    const who = await page.getByLabel('Signed in as').innerText();
    expect(who).to.contain('personas:merge').and.contain('personas:erase');
    expect(await page.evaluate(() => JSON.stringify((globalThis as unknown as { sessionStorage: unknown }).sessionStorage))).to.contain(
      api.admin.key,
    );
    expect(page.url()).not.to.contain(api.admin.secret);
    await screenshot(page, 'sign-in');
  });

  it('finds people by name as you type, and the URL keeps the query', async function () {
    await searchPeople('Schmoe');
    await page.getByRole('link', { name: 'Joe Schmoe' }).waitFor();
    await page.waitForURL(/q=Schmoe/);
    await page
      .getByRole('status')
      .filter({ hasText: /^1 person/ })
      .waitFor();
    await page.reload();
    expect(await page.getByLabel('Search people').inputValue()).to.equal('Schmoe');
    await page.getByRole('link', { name: 'Joe Schmoe' }).waitFor();
    await expectAccessible('people');
    await screenshot(page, 'search-by-name');
  });

  it('finds a person by identifier and opens their page', async function () {
    await searchPeople('joe@example.com');
    await page.getByText('Searching identifiers').waitFor();
    await page.getByRole('link', { name: 'Joe Schmoe' }).click();
    await page.getByRole('heading', { level: 1, name: 'Joe Schmoe' }).waitFor();
    await page.getByRole('cell', { name: 'joe@example.com', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Export' }).waitFor();
    await expectAccessible('person');
    await screenshot(page, 'person');
  });

  it('edits a person: name, attributes, splitting an identifier off, and exports everything', async function () {
    const id = await createPerson('Ed Before', 'ed.one@example.org', { cohort: 'x' });
    await api.request('POST', '/v1/identifiers', { body: { persona: id, ifi: { key: 'openid', value: 'https://id.example.org/ed' } } });
    await page.goto(`${api.baseUrl}/admin/people/${id}`);
    await page.getByLabel('Display name').fill('Ed After');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ed After' }).waitFor();

    // Every name seen, with how often and when: the first name, the rename, and a name statements used twice.
    const seenAs = {
      actor: { mbox: 'mailto:ed.one@example.org', name: 'Eddie' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
      object: { id: 'https://example.org/course/ed' },
    };
    expect((await api.request('POST', '/v1/statements?wait=true', { body: [seenAs, seenAs] })).status).to.equal(200);
    await page.reload();
    const names = page.getByRole('table', { name: 'Names seen' });
    const rowOf = (seen: string) => names.getByRole('row').filter({ has: page.getByRole('cell', { name: seen, exact: true }) });
    await rowOf('Eddie').waitFor();
    expect(await rowOf('Eddie').getByRole('cell').allInnerTexts()).to.have.length(5);
    expect((await rowOf('Eddie').getByRole('cell').allInnerTexts())[1]).to.equal('2');
    expect((await rowOf('Ed Before').getByRole('cell').allInnerTexts())[1]).to.equal('1');
    expect((await rowOf('Ed After').getByRole('cell').allInnerTexts())[4]).to.equal('Display name');
    const history = (await api.request('GET', `/v1/personas/${id}`)).body.names;
    const eddie = history.find((entry: any) => entry.name === 'Eddie');
    expect(await rowOf('Eddie').locator('time').first().getAttribute('datetime')).to.equal(eddie.firstSeen);
    expect(await rowOf('Eddie').locator('time').last().getAttribute('datetime')).to.equal(eddie.lastSeen);
    await expectAccessible('person-names');
    await screenshot(page, 'person-names');
    // A seen name becomes the display name in one click, and back.
    await page.getByRole('button', { name: 'Use the name Eddie' }).click();
    await page.getByRole('heading', { level: 1, name: 'Eddie' }).waitFor();
    await page.getByRole('button', { name: 'Use the name Ed After' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ed After' }).waitFor();

    await page.getByLabel('Attribute key').fill('city');
    await page.getByLabel('Attribute value').fill('Hull');
    await page.getByRole('button', { name: 'Save attribute' }).click();
    await page.getByRole('button', { name: 'Delete city' }).waitFor();
    await page.getByRole('button', { name: 'Edit cohort' }).click();
    expect(await page.getByLabel('Attribute key').inputValue()).to.equal('cohort');
    await page.getByLabel('Attribute value').fill('y');
    await page.getByRole('button', { name: 'Save attribute' }).click();
    await page.getByRole('cell', { name: 'y', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete city' }).click();
    await page.getByRole('button', { name: 'Delete city' }).waitFor({ state: 'detached' });
    const attributes = (await api.request('GET', `/v1/personas/${id}`)).body.attributes.map((attribute: any) => [
      attribute.key,
      attribute.value,
    ]);
    expect(attributes).to.deep.equal([['cohort', 'y']]);

    await page.getByRole('button', { name: 'Move https://id.example.org/ed' }).click();
    await page.getByRole('button', { name: 'Split off to a new person' }).click();
    await page.getByRole('cell', { name: 'https://id.example.org/ed', exact: true }).waitFor({ state: 'detached' });
    const split = await api.request('GET', '/v1/personas/by-identifier?openid=https://id.example.org/ed');
    expect(split.status).to.equal(200);
    expect(split.body.id).not.to.equal(id);
    expect(split.body.name).to.equal('https://id.example.org/ed');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).to.equal(`person-${id}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported.persona.name).to.equal('Ed After');
    expect(exported.identifiers.map((identifier: any) => identifier.ifi.value)).to.deep.equal(['mailto:ed.one@example.org']);
    await screenshot(page, 'person-edited');
  });

  it('merges two people through the preview, then undoes the merge', async function () {
    const sourceId = await createPerson('Ada Source', 'ada.source@example.org', { cohort: 'a', city: 'Leeds' });
    const targetId = await createPerson('Ada Target', 'ada.target@example.org', { cohort: 'b' });
    await page.goto(`${api.baseUrl}/admin/people/${sourceId}`);
    await page.getByRole('button', { name: 'Merge…' }).click();
    await page.getByLabel('Merge into', { exact: true }).fill('Ada Target');
    await page.getByRole('button', { name: /^Ada Target/ }).click();
    const preview = page.getByRole('region', { name: 'Merge preview' });
    await preview.getByText('ada.source@example.org').waitFor();
    expect(await preview.innerText())
      .to.contain('cohort: keeps “b”; “a” is dropped')
      .and.contain('1 attribute moves');
    await expectAccessible('merge dialog');
    await screenshot(page, 'merge-preview');
    expect((await api.request('GET', `/v1/merges?persona=${sourceId}`)).body.data).to.deep.equal([]);

    await preview.getByRole('button', { name: 'Confirm merge' }).click();
    await page.waitForURL(new RegExp(`/admin/people/${targetId}$`));
    await page.getByRole('cell', { name: 'ada.source@example.org', exact: true }).waitFor();
    const history = page.getByRole('region', { name: 'Merge history' });
    await history.getByText('applied').waitFor();
    await screenshot(page, 'merged');

    await history.getByRole('button', { name: 'Undo merge' }).click();
    await history.getByText('undone').waitFor();
    const restored = await api.request('GET', `/v1/personas/${sourceId}`);
    expect(restored.status).to.equal(200);
    expect(restored.body.identifiers.map((identifier: any) => identifier.ifi.value)).to.deep.equal(['mailto:ada.source@example.org']);
    await screenshot(page, 'undone');
  });

  it('shows the identity rule that makes a merge impossible, and offers no confirm', async function () {
    const rules = async (unique: unknown[]) =>
      expect((await api.request('PUT', '/v1/identity-rules', { body: { namePolicy: 'first', unique } })).status).to.equal(200);
    await rules([{ kind: 'mbox' }]);
    try {
      const sourceId = await createPerson('Uma Source', 'uma.source@example.org', {});
      await createPerson('Uma Target', 'uma.target@example.org', {});
      await page.goto(`${api.baseUrl}/admin/people/${sourceId}`);
      await page.getByRole('button', { name: 'Merge…' }).click();
      await page.getByLabel('Merge into', { exact: true }).fill('Uma Target');
      await page.getByRole('button', { name: /^Uma Target/ }).click();
      const preview = page.getByRole('region', { name: 'Merge preview' });
      const alert = preview.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText())
        .to.contain('This merge is not possible')
        .and.contain('unique[0]')
        .and.contain('rules.unique_kind');
      expect(await preview.getByRole('button', { name: 'Confirm merge' }).isDisabled()).to.equal(true);
    } finally {
      await rules([]);
    }
  });

  it('explains why an undo is refused', async function () {
    const sourceId = await createPerson('Bo Source', 'bo.source@example.org', {});
    const targetId = await createPerson('Bo Target', 'bo.target@example.org', {});
    const merged = await api.request('POST', `/v1/personas/${targetId}/merge`, { body: { from: [sourceId] } });
    const third = await createPerson('Bo Third', 'bo.third@example.org', {});
    const moved = (await api.request('GET', `/v1/personas/${targetId}`)).body.identifiers.find(
      (identifier: any) => identifier.ifi.value === 'mailto:bo.source@example.org',
    );
    await api.request('PUT', `/v1/identifiers/${moved.id}`, { body: { persona: third } });
    await page.goto(`${api.baseUrl}/admin/people/${targetId}`);
    await page.getByRole('button', { name: 'Undo merge' }).click();
    // The refusal shows first with ids; the identifier's value follows once the page has looked it up.
    const conflicts = page.locator('.conflicts', { hasText: 'An identifier (bo.source@example.org)' });
    await conflicts.waitFor();
    expect(await conflicts.innerText())
      .to.contain('merges.undo_conflict')
      .and.contain('An identifier (bo.source@example.org) was moved to another person after the merge')
      .and.contain('merges.item_moved');
    expect((await api.request('GET', `/v1/merges/${merged.body.id}`)).body.state).to.equal('applied');
    await screenshot(page, 'undo-refused');
  });

  it('works from the keyboard: the merge dialog takes focus, Tab reaches its controls, Escape closes it', async function () {
    const id = await createPerson('Di Keys', 'di.keys@example.org', {});
    await page.goto(`${api.baseUrl}/admin/people/${id}`);
    await page.getByRole('button', { name: 'Merge…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Merge Di Keys into another person' });
    await dialog.waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.closest('dialog') !== null)).to.equal(true);
    await page.keyboard.type('Ada Target');
    expect(await page.getByLabel('Merge into', { exact: true }).inputValue()).to.equal('Ada Target');
    await page.getByRole('button', { name: /^Ada Target/ }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).to.match(/^Ada Target/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Merge…' }).isVisible()).to.equal(true);
  });

  it('erases a person after the name is typed', async function () {
    const id = await createPerson('Cy Erased', 'cy.erased@example.org', { cohort: 'c' });
    await page.goto(`${api.baseUrl}/admin/people/${id}`);
    await page.getByRole('button', { name: 'Erase…' }).click();
    const erase = page.getByRole('button', { name: 'Erase for good' });
    expect(await erase.isDisabled()).to.equal(true);
    await page.getByLabel('Type Cy Erased to confirm').fill('Cy Erase');
    expect(await erase.isDisabled()).to.equal(true);
    await page.getByLabel('Type Cy Erased to confirm').fill('Cy Erased');
    await expectAccessible('erase dialog');
    await erase.click();
    await page.getByText('Cy Erased was erased').waitFor();
    expect((await api.request('GET', `/v1/personas/${id}`)).status).to.equal(404);
    await screenshot(page, 'erased');
  });

  it('imports a CSV with one bad row, shows the progress and offers the error rows', async function () {
    await page.goto(`${api.baseUrl}/admin/import`);
    const csv =
      'email,name,team\nimported.one@example.org,Imp One,red\nnot-an-address,Imp Bad,blue\nimported.two@example.org,Imp Two,green\n';
    await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    expect(await page.getByLabel('email').inputValue()).to.equal('mbox');
    expect(await page.getByLabel('team').inputValue()).to.equal('attribute');
    await expectAccessible('import');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText('Completed: 3 rows').waitFor();
    expect(await page.getByText(/Created \d+/).innerText())
      .to.contain('Created 2')
      .and.contain('errors 1');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the rows in error (CSV)' }).click(),
    ]);
    const errorRows = readFileSync((await download.path())!, 'utf8');
    expect(errorRows).to.contain('not-an-address').and.not.contain('imported.one@example.org');
    await screenshot(page, 'import');
    expect((await api.request('GET', '/v1/personas/by-identifier?mbox=mailto:imported.two@example.org')).body.name).to.equal('Imp Two');
  });

  it('hides what a read-only client may not do, with the reason', async function () {
    const reader = await api.newClient({ scopes: ['personas:read'] });
    const readerPage = await context.browser()!.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await readerPage.goto(`${api.baseUrl}/admin/people?q=Schmoe`);
      await readerPage.getByLabel('API key').fill(reader.key);
      await readerPage.getByLabel('Secret').fill(reader.secret);
      await readerPage.getByRole('button', { name: 'Sign in' }).click();
      await readerPage.getByRole('link', { name: 'Joe Schmoe' }).click();
      const merge = readerPage.getByRole('button', { name: 'Merge…' });
      await merge.waitFor();
      expect(await merge.isDisabled()).to.equal(true);
      expect(await readerPage.getByText('Needs the scope personas:merge').count()).to.equal(1);
      await screenshot(readerPage, 'read-only');
    } finally {
      await readerPage.close();
    }
  });

  it('compares a suggested duplicate pair side by side and dismisses it', async function () {
    await page.goto(`${api.baseUrl}/admin/duplicates`);
    await page.getByRole('button', { name: 'Compare: name Lou Wolford / name Lou Wolford' }).click();
    const sideBySide = page.getByRole('region', { name: 'Side by side' });
    await sideBySide.getByRole('heading', { level: 2, name: 'Lou Wolford' }).nth(1).waitFor();
    expect(await sideBySide.getByRole('heading', { level: 2, name: 'Lou Wolford' }).count()).to.equal(2);
    await expectAccessible('duplicates side by side');
    await screenshot(page, 'duplicates-side-by-side');
    await sideBySide.getByRole('button', { name: 'Not the same person (dismiss)' }).click();
    await sideBySide.waitFor({ state: 'detached' });
    const pairs = (await api.request('GET', '/v1/duplicates?limit=100')).body.data;
    expect(pairs.map((pair: any) => pair.reasons[0].detail)).not.to.include('name Lou Wolford / name Lou Wolford');
    expect(await page.getByRole('button', { name: 'Compare: name Lou Wolford / name Lou Wolford' }).count()).to.equal(0);
  });

  it('every other page passes the accessibility check', async function () {
    for (const path of ['duplicates', 'merges']) {
      await page.goto(`${api.baseUrl}/admin/${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('[role=status].loading').waitFor({ state: 'detached' });
      await expectAccessible(path);
      await screenshot(page, path);
    }
  });
});
