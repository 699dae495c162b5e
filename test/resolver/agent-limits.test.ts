// Agents per statement and per request are bounded, and a large request never holds the event loop (issue 11,
// security defect 2: one statement with 100,000 team members blocked /health for 9.9 s and created 100,001 personas).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { loadConfig } from '../../src/config.ts';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createResolver } from '../../src/features/resolver/resolver.service.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { startTestApi, type TestApi } from '../http/http-support.ts';

const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
const object = { id: 'https://example.org/course/1' };
const member = (tag: string, index: number) => ({ mbox: `mailto:${tag}-${index}@example.org` });
/** A statement whose team has `size` members (plus its identified actor). */
const teamStatement = (tag: string, size: number) => ({
  actor: { mbox: `mailto:${tag}-lead@example.org` },
  verb,
  object,
  context: { team: { objectType: 'Group', member: Array.from({ length: size }, (_, index) => member(tag, index)) } },
});

describe('agents per statement and per request', () => {
  describe('over HTTP (MAX_AGENTS_PER_STATEMENT=50, MAX_AGENTS_PER_REQUEST=200)', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi({ MAX_AGENTS_PER_STATEMENT: '50', MAX_AGENTS_PER_REQUEST: '200' });
    });
    after(async () => api.close());
    const personas = async () => (await api.request('GET', '/v1/personas/count')).body.count as number;

    it('rejects a statement naming more agents than allowed with statements.too_many_agents at the member list; the others resolve', async () => {
      const before = await personas();
      const answer = await api.request('POST', '/v1/statements', { body: [teamStatement('big', 50), teamStatement('ok', 49)] });
      expect(answer.status).to.equal(200);
      const [big, ok] = answer.body.results;
      expect(big.status).to.equal('rejected');
      expect(big.error).to.include({ code: 'statements.too_many_agents', path: 'context.team.member' });
      expect(ok.status).to.equal('resolved');
      expect(ok.agents).to.have.length(50);
      expect(await personas()).to.equal(before + 50);
    });

    it('refuses a request naming more agents in all with 413 request.too_many_agents, before anything is written', async () => {
      const before = await personas();
      const answer = await api.request('POST', '/v1/statements', {
        body: Array.from({ length: 5 }, (_, index) => teamStatement(`req${index}`, 40)),
      });
      expect(answer.status).to.equal(413);
      expect(answer.body.error.code).to.equal('request.too_many_agents');
      expect(answer.body.error.message).to.contain('205');
      expect(await personas()).to.equal(before);
    });

    it('refuses a bad limit at start-up, naming the variable', () => {
      expect(() => loadConfig({ MAX_AGENTS_PER_REQUEST: '0' })).to.throw(/MAX_AGENTS_PER_REQUEST/);
      expect(() => loadConfig({ MAX_AGENTS_PER_STATEMENT: 'many' })).to.throw(/MAX_AGENTS_PER_STATEMENT/);
    });
  });

  describe('resolver batches', () => {
    let temp: TempStore;
    before(async () => {
      temp = await openTempEmbeddedStore();
    });
    after(async () => temp.close());

    it('lets other callbacks run between batches of a large request, even when every batch is a synchronous read', async () => {
      const organisation = new ObjectId();
      const resolver = createResolver({ store: temp.store, options: { includeAuthority: false, linkMboxSha1sum: true, batchSize: 50 } });
      const statements = Array.from({ length: 1000 }, (_, index) => ({ actor: member('loop', index), verb, object }));
      await resolver.resolveStatements(organisation, statements);
      // Second run: every identifier exists, so each batch is reads only (answered synchronously by the embedded store).
      let turns = 0;
      let isRunning = true;
      const ticker = (async () => {
        while (isRunning) {
          await nextTurn();
          turns += 1;
        }
      })();
      const result = await resolver.resolveStatements(organisation, statements);
      isRunning = false;
      await ticker;
      expect(result.counts).to.include({ resolved: 1000, personasCreated: 0 });
      // 20 batches: the event loop came round between them (a blocked loop would give 0 or 1).
      expect(turns).to.be.at.least(19);
      expect(await temp.store.collection(COLLECTIONS.personas).countDocuments({ organisation })).to.equal(1000);
    });

    it('keeps the agents of one batch within the batch size (a 40-member statement is a batch of its own)', async () => {
      const organisation = new ObjectId();
      const resolver = createResolver({ store: temp.store, options: { includeAuthority: false, linkMboxSha1sum: true, batchSize: 30 } });
      const result = await resolver.resolveStatements(organisation, [
        teamStatement('b1', 10),
        teamStatement('b2', 40),
        teamStatement('b3', 5),
      ]);
      expect(result.counts).to.include({ resolved: 3, personasCreated: 58 });
    });
  });
});
