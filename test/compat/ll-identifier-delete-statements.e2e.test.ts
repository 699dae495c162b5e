// Deleting an identifier while Learning Locker's statements have its IFI as actor (compat spec 2.4, 3.4): with
// statement write-back on (statements in our own store here) LL's route answers 400 "Cannot remove personaIdentifier;
// statements exists in LRS with ifi" and /v1 answers 409, both with code identifiers.identifier_has_statements, and
// the identifier stays; only the organisation's statements count. With write-back off we hold no statements: deleted.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { ifiStatementsFilter } from '../../src/features/write-back/ifi-statements.ts';
import { startCompatApp, type Client, type CompatApp } from './support/compat-app.ts';

const LL_MESSAGE = 'Cannot remove personaIdentifier; statements exists in LRS with ifi';

async function identifierFor(app: CompatApp, ifi: unknown, client: Client = app.a): Promise<string> {
  const persona = (await app.call('POST', '/api/v2/persona', { client, body: { name: 'Learner' } })).body._id;
  const res = await app.call('POST', '/api/v2/personaidentifier', { client, body: { ifi, persona } });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body._id;
}

/** A statement as Learning Locker stores it (compat spec 1.5), written by LL, not by us. */
async function llStatement(app: CompatApp, organisation: ObjectId, actor: Record<string, unknown>): Promise<void> {
  await app.built.store.collection('statements').insertOne({
    _id: new ObjectId(),
    organisation,
    lrs_id: new ObjectId(),
    timestamp: new Date(),
    stored: new Date(),
    statement: {
      id: crypto.randomUUID(),
      actor: { objectType: 'Agent', ...actor },
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { id: 'http://example.org/a' },
    },
  });
}

describe('LL /api identifier delete and statements (real app)', () => {
  describe('statement write-back on', () => {
    let app: CompatApp;
    before(async () => {
      app = await startCompatApp({ env: { WRITE_BACK_STATEMENTS: 'true' } });
    });
    after(async () => app.close());

    it("LL route: 400 with LL's message and our code while a statement of the organisation has the mbox; the identifier stays", async () => {
      const id = await identifierFor(app, { key: 'mbox', value: 'mailto:ann@example.org' });
      await llStatement(app, app.a.organisation, { mbox: 'mailto:ann@example.org' });
      const res = await app.call('DELETE', `/api/v2/personaidentifier/${id}`);
      expect(res.status).to.equal(400);
      expect(res.body.message).to.equal(LL_MESSAGE);
      expect(res.body.errorId).to.be.a('string');
      expect(res.body.error.code).to.equal('identifiers.identifier_has_statements');
      expect((await app.call('GET', `/api/v2/personaidentifier/${id}`)).status).to.equal(200);
    });

    it("matches each IFI kind by LL's actor filter (account by homePage and name, in either key order)", async () => {
      const cases: Array<[unknown, Record<string, unknown>]> = [
        [
          { key: 'mbox_sha1sum', value: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' },
          { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' },
        ],
        [{ key: 'openid', value: 'http://id.example.org/cid' }, { openid: 'http://id.example.org/cid' }],
        [
          { key: 'account', value: { homePage: 'http://lms.example.org', name: 'dee' } },
          { account: { name: 'dee', homePage: 'http://lms.example.org' } },
        ],
      ];
      for (const [ifi, actor] of cases) {
        const id = await identifierFor(app, ifi);
        await llStatement(app, app.a.organisation, actor);
        const res = await app.call('DELETE', `/api/v2/personaidentifier/${id}`);
        expect(res.status, JSON.stringify(ifi)).to.equal(400);
        expect(res.body.message).to.equal(LL_MESSAGE);
      }
    });

    it("deletes when no statement matches: another actor, the same account name on another homePage, or another organisation's statement", async () => {
      const lone = await identifierFor(app, { key: 'mbox', value: 'mailto:lone@example.org' });
      await llStatement(app, app.a.organisation, { mbox: 'mailto:someone.else@example.org' });
      await llStatement(app, app.b.organisation, { mbox: 'mailto:lone@example.org' });
      const res = await app.call('DELETE', `/api/v2/personaidentifier/${lone}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('');
      expect((await app.call('GET', `/api/v2/personaidentifier/${lone}`)).status).to.equal(404);

      const account = await identifierFor(app, { key: 'account', value: { homePage: 'http://lms.example.org', name: 'eve' } });
      await llStatement(app, app.a.organisation, { account: { homePage: 'http://other.example.org', name: 'eve' } });
      expect((await app.call('DELETE', `/api/v2/personaidentifier/${account}`)).status).to.equal(200);
    });

    it('an unknown identifier is still 404 "No model found for Identifier"', async () => {
      const res = await app.call('DELETE', `/api/v2/personaidentifier/${new ObjectId().toHexString()}`);
      expect(res.status).to.equal(404);
      expect(res.body.message).to.equal('No model found for Identifier');
    });

    it('/v1 DELETE applies the same rule (one service): 409 identifiers.identifier_has_statements, identifier kept', async () => {
      const id = await identifierFor(app, { key: 'mbox', value: 'mailto:fay@example.org' });
      await llStatement(app, app.a.organisation, { mbox: 'mailto:fay@example.org' });
      const refused = await app.call('DELETE', `/v1/identifiers/${id}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('identifiers.identifier_has_statements');
      expect((await app.call('GET', `/v1/identifiers/${id}`)).status).to.equal(200);
      const free = await identifierFor(app, { key: 'mbox', value: 'mailto:gus@example.org' });
      expect((await app.call('DELETE', `/v1/identifiers/${free}`)).status).to.equal(204);
    });

    it("the check is one lookup on the back-fill index of the IFI's key (organisation + actor fields)", async () => {
      const statements = app.built.store.collection('statements');
      const organisation = app.a.organisation;
      const mbox = await statements.explain(ifiStatementsFilter(organisation, { key: 'mbox', value: 'mailto:ann@example.org' }), {
        projection: { _id: 1 },
        limit: 1,
      });
      expect(mbox.indexName).to.equal('persona_bf_mbox');
      expect(mbox.docsExamined).to.equal(1);
      const account = await statements.explain(
        ifiStatementsFilter(organisation, { key: 'account', value: { homePage: 'http://lms.example.org', name: 'dee' } }),
        { projection: { _id: 1 }, limit: 1 },
      );
      expect(account.indexName).to.equal('persona_bf_account');
    });
  });

  describe('statement write-back off', () => {
    let app: CompatApp;
    before(async () => {
      app = await startCompatApp();
    });
    after(async () => app.close());

    it('we hold no statements: LL route and /v1 delete even when a `statements` collection has the IFI', async () => {
      const viaLl = await identifierFor(app, { key: 'mbox', value: 'mailto:hal@example.org' });
      const viaV1 = await identifierFor(app, { key: 'mbox', value: 'mailto:ida@example.org' });
      await llStatement(app, app.a.organisation, { mbox: 'mailto:hal@example.org' });
      await llStatement(app, app.a.organisation, { mbox: 'mailto:ida@example.org' });
      expect((await app.call('DELETE', `/api/v2/personaidentifier/${viaLl}`)).status).to.equal(200);
      expect((await app.call('GET', `/api/v2/personaidentifier/${viaLl}`)).status).to.equal(404);
      expect((await app.call('DELETE', `/v1/identifiers/${viaV1}`)).status).to.equal(204);
    });
  });
});
