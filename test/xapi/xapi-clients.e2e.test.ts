// The xAPI surface driven by real xAPI client libraries from npm, unchanged, against the real server on an embedded
// store: @xapi/xapi (statements, Agents, About) and tincanjs (statements; it has no Agents call).
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import xapiModule from '@xapi/xapi';
import TinCan from 'tincanjs';
import { startTestApi, type TestApi } from '../http/http-support.ts';

// The package is CommonJS with an ES-style `default`: Node hands ESM importers module.exports, whose .default is the class.
const XAPI = xapiModule.default;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const verb = { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } };
const activity = { objectType: 'Activity' as const, id: 'https://example.org/course/xapi-clients' };

function tincanCall(run: (callback: (error: unknown, xhr: { status: number } | null) => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    run((error, xhr) => (error ? reject(new Error(`tincanjs failed: ${String(error)} (HTTP ${xhr?.status})`)) : resolve(xhr!.status)));
  });
}

describe('xAPI surface with real client libraries', () => {
  let api: TestApi;
  let xapi: InstanceType<typeof XAPI>;
  before(async () => {
    api = await startTestApi();
    xapi = new XAPI({ endpoint: `${api.baseUrl}/xapi`, auth: XAPI.toBasicAuth(api.admin.key, api.admin.secret) });
  });
  after(async () => {
    await api.close();
  });

  const personaOf = async (query: string) => (await api.request('GET', `/v1/personas/by-identifier?${query}`)).body;

  describe('@xapi/xapi', () => {
    it('sends one statement without an id: the LRS answer is the id it assigned, and the learner has a persona', async () => {
      // The library's default axios adapter, under Node, sends its multipart Blob as application/octet-stream (the
      // multipart Content-Type it sets is replaced by the Blob's), which any LRS refuses; its fetch adapter keeps it.
      const viaFetch = new XAPI({
        endpoint: `${api.baseUrl}/xapi`,
        auth: XAPI.toBasicAuth(api.admin.key, api.admin.secret),
        adapter: 'fetch',
      });
      const answer = await viaFetch.sendStatement({
        statement: { actor: { objectType: 'Agent', name: 'Ada', mbox: 'mailto:ada@xapi.example.org' }, verb, object: activity },
      });
      expect(answer.status).to.equal(200);
      expect(answer.headers['x-experience-api-version']).to.equal('1.0.3');
      expect(answer.data).to.have.length(1);
      expect(answer.data[0]).to.match(UUID);
      expect((await personaOf('mbox=mailto:ada@xapi.example.org')).name).to.equal('Ada');
    });

    it('sends one statement with an id and a batch mixing both: ids come back in order, given ones unchanged', async () => {
      const given = '3f1a6c1e-8a52-4f0e-9d4e-2b7f0c1d5e6a';
      expect(
        (await xapi.sendStatement({ statement: { id: given, actor: { mbox: 'mailto:bo@xapi.example.org' }, verb, object: activity } }))
          .data,
      ).to.deep.equal([given]);
      const second = '9a0c4d2e-1b3f-4c5d-8e7f-6a5b4c3d2e1f';
      const answer = await xapi.sendStatements({
        statements: [
          { actor: { account: { homePage: 'https://lms.example.org', name: 'cy-1' } }, verb, object: activity },
          { id: second, actor: { openid: 'https://id.example.org/dee' }, verb, object: activity },
        ],
      });
      expect(answer.data).to.have.length(2);
      expect(answer.data[0]).to.match(UUID);
      expect(answer.data[1]).to.equal(second);
      expect(await personaOf('account.homePage=https://lms.example.org&account.name=cy-1')).to.have.property('id');
      expect(await personaOf('openid=https://id.example.org/dee')).to.have.property('id');
    });

    it('sends a statement with an attachment (multipart/mixed): the attachment is checked, the learner resolved', async () => {
      const content = new TextEncoder().encode('certificate of completion');
      const attachment = {
        usageType: 'http://id.tincanapi.com/attachment/certificate-of-completion',
        display: { 'en-US': 'Certificate' },
        contentType: 'text/plain',
        length: content.byteLength,
        sha2: createHash('sha256').update(content).digest('hex'),
      };
      // The library's default axios adapter, under Node, sends its multipart Blob as application/octet-stream (the
      // multipart Content-Type it sets is replaced by the Blob's), which any LRS refuses; its fetch adapter keeps it.
      const viaFetch = new XAPI({
        endpoint: `${api.baseUrl}/xapi`,
        auth: XAPI.toBasicAuth(api.admin.key, api.admin.secret),
        adapter: 'fetch',
      });
      const answer = await viaFetch.sendStatement({
        statement: { actor: { mbox: 'mailto:att@xapi.example.org' }, verb, object: activity, attachments: [attachment] },
        attachments: [content.buffer as ArrayBuffer],
      });
      expect(answer.status).to.equal(200);
      expect(await personaOf('mbox=mailto:att@xapi.example.org')).to.have.property('id');
    });

    it('reads the Person of a learner before and after a merge of two personas, and sees the identifiers of both', async () => {
      const byMail = { objectType: 'Agent' as const, name: 'Grace', mbox: 'mailto:grace@xapi.example.org' };
      const byAccount = {
        objectType: 'Agent' as const,
        name: 'G. Hopper',
        account: { homePage: 'https://lms.example.org', name: 'grace-7' },
      };
      await xapi.sendStatements({
        statements: [
          { actor: byMail, verb, object: activity },
          { actor: byAccount, verb, object: activity },
        ],
      });

      const before = (await xapi.getAgent({ agent: byAccount })).data;
      expect(before).to.deep.include({
        objectType: 'Person',
        name: ['G. Hopper'],
        mbox: [],
        account: [{ homePage: 'https://lms.example.org', name: 'grace-7' }],
      });

      const target = (await personaOf('mbox=mailto:grace@xapi.example.org')).id;
      const source = (await personaOf('account.homePage=https://lms.example.org&account.name=grace-7')).id;
      expect((await api.request('POST', `/v1/personas/${target}/merge`, { body: { from: [source] } })).status).to.equal(201);

      for (const agent of [byAccount, byMail]) {
        const person = (await xapi.getAgent({ agent })).data;
        expect(person).to.deep.equal({
          objectType: 'Person',
          name: ['Grace', 'G. Hopper'],
          mbox: ['mailto:grace@xapi.example.org'],
          mbox_sha1sum: [],
          openid: [],
          account: [{ homePage: 'https://lms.example.org', name: 'grace-7' }],
        });
      }
    });

    it('reads the Person of an agent nobody has yet: the agent alone, as the specification requires', async () => {
      const person = (await xapi.getAgent({ agent: { objectType: 'Agent', name: 'Nobody', openid: 'https://id.example.org/nobody' } }))
        .data;
      expect(person).to.deep.equal({
        objectType: 'Person',
        name: ['Nobody'],
        mbox: [],
        mbox_sha1sum: [],
        openid: ['https://id.example.org/nobody'],
        account: [],
      });
    });

    it('reads About: the versions served', async () => {
      const about = (await xapi.getAbout()).data;
      expect(about.version).to.include.members(['1.0.3', '2.0.0']);
    });
  });

  describe('tincanjs', () => {
    let lrs: InstanceType<typeof TinCan.LRS>;
    before(() => {
      lrs = new TinCan.LRS({ endpoint: `${api.baseUrl}/xapi/`, username: api.admin.key, password: api.admin.secret, allowFail: false });
    });
    const tincanStatement = (mbox: string, stamp: boolean) =>
      new TinCan.Statement({ actor: { mbox, name: mbox.slice(7) }, verb, target: { id: activity.id } }, { doStamp: stamp });

    it('saves a statement with an id (PUT ?statementId=, 204) and one without (POST)', async () => {
      const stamped = tincanStatement('mailto:fay@tincan.example.org', true);
      expect(stamped.id).to.match(UUID);
      expect(await tincanCall((callback) => lrs.saveStatement(stamped, { callback }))).to.equal(204);
      const unstamped = tincanStatement('mailto:gus@tincan.example.org', false);
      expect(unstamped.id).to.equal(null);
      expect(await tincanCall((callback) => lrs.saveStatement(unstamped, { callback }))).to.equal(200);
      expect((await personaOf('mbox=mailto:fay@tincan.example.org')).name).to.equal('fay@tincan.example.org');
      expect(await personaOf('mbox=mailto:gus@tincan.example.org')).to.have.property('id');
    });

    it("saves a statement with an attachment's content (multipart/mixed, PUT)", async () => {
      const withAttachment = new TinCan.Statement({
        actor: { mbox: 'mailto:jo@tincan.example.org' },
        verb,
        target: { id: activity.id },
        attachments: [
          {
            usageType: 'http://id.tincanapi.com/attachment/supporting_media',
            display: { 'en-US': 'Notes' },
            contentType: 'text/plain',
            content: 'notes of the session',
          },
        ],
      });
      expect(await tincanCall((callback) => lrs.saveStatement(withAttachment, { callback }))).to.equal(204);
      expect(await personaOf('mbox=mailto:jo@tincan.example.org')).to.have.property('id');
    });

    it('saves a batch with and without ids (POST)', async () => {
      const batch = [tincanStatement('mailto:hal@tincan.example.org', true), tincanStatement('mailto:ivy@tincan.example.org', false)];
      expect(await tincanCall((callback) => lrs.saveStatements(batch, { callback }))).to.equal(200);
      for (const address of ['hal', 'ivy']) expect(await personaOf(`mbox=mailto:${address}@tincan.example.org`)).to.have.property('id');
    });
  });
});
