// What the admin web app needs from the server: /admin served with cache headers (hashed assets for a year, the page
// revalidated), its own routes answered with the page, `/` pointing to it, and GET /v1/me naming the caller.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { adminRouter } from '../../src/http/admin-app.ts';
import { makeTempDir } from '../support/temp-store.ts';
import { ensureAdminBuilt } from '../admin/admin-browser.ts';
import { startTestApi, type TestApi } from './http-support.ts';

describe('HTTP: the admin app and /v1/me', function () {
  this.timeout(120_000);
  let api: TestApi;
  before(async () => {
    ensureAdminBuilt();
    api = await startTestApi();
  });
  after(async () => {
    await api.close();
  });

  it('GET / points a browser to /admin and the docs', async () => {
    const home = await fetch(`${api.baseUrl}/`);
    expect(home.status).to.equal(200);
    const html = await home.text();
    expect(html).to.contain('href="/admin/"').and.contain('href="/docs"');
  });

  it('serves the app page on every /admin route (revalidated) and its hashed assets for a year', async () => {
    for (const path of ['/admin', '/admin/', '/admin/people/65f1c0ffee0000000000abcd']) {
      const page = await fetch(`${api.baseUrl}${path}`);
      expect(page.status, path).to.equal(200);
      expect(page.headers.get('cache-control'), path).to.equal('no-cache');
      expect(await page.text(), path).to.contain('<div id="root"></div>');
    }
    const html = await (await fetch(`${api.baseUrl}/admin/`)).text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).to.be.a('string');
    const asset = await fetch(`${api.baseUrl}${script}`);
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect((await fetch(`${api.baseUrl}/admin/assets/missing-1234.js`)).status).to.equal(404);
  });

  it('says how to build the app when it is not built', async () => {
    const app = express().use(adminRouter(makeTempDir('persona-no-admin-')));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/`);
      expect(answer.status).to.equal(503);
      expect(await answer.text()).to.contain('npm run build:admin');
    } finally {
      server.close();
    }
  });

  it('GET /v1/me names the organisation, the client and its scopes', async () => {
    const me = await api.request('GET', '/v1/me');
    expect(me.status).to.equal(200);
    expect(me.body.organisation).to.deep.equal({ id: api.admin.organisation, name: 'Default organisation' });
    expect(me.body.client.key).to.equal(api.admin.key);
    expect(me.body.scopes).to.include.members(['personas:read', 'personas:merge', 'personas:erase']);
    const reader = await api.newClient({ scopes: ['personas:read'], newOrganisation: true });
    const readerMe = await api.request('GET', '/v1/me', { auth: reader });
    expect(readerMe.body.scopes).to.deep.equal(['personas:read']);
    expect(readerMe.body.organisation.id).to.equal(reader.organisation).and.not.equal(api.admin.organisation);
    expect((await api.request('GET', '/v1/me', { auth: null })).status).to.equal(401);
  });

  it('rejected Bearer credentials get a Bearer challenge only, so a browser does not hold the request for its login prompt', async () => {
    const bearer = await api.request('GET', '/v1/me', { auth: `Bearer ${api.admin.key}.wrong` });
    expect(bearer.status).to.equal(401);
    expect(bearer.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
    const basic = await api.request('GET', '/v1/me', { auth: { key: api.admin.key, secret: 'wrong' } });
    expect(basic.headers.get('www-authenticate')).to.contain('Basic realm="persona-resolver"');
  });
});
