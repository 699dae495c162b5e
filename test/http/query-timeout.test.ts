// User-driven reads are bounded (QUERY_TIMEOUT_MS, issue 12 "User-driven queries are bounded"): the embedded engine
// checks the request's deadline while it scans and the request answers 503 query.timeout on every surface.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { QueryTimeoutError, runWithQueryDeadline } from '../../src/store/query-deadline.ts';
import { openTempEmbeddedStore } from '../support/temp-store.ts';
import { startCompatApp, q, type CompatApp } from '../compat/support/compat-app.ts';

describe('query time limit (QUERY_TIMEOUT_MS)', () => {
  it('stops an embedded scan whose deadline has passed, and lets the same scan run without one', async () => {
    const temp = await openTempEmbeddedStore();
    try {
      const organisation = new ObjectId();
      const personas = temp.store.collection(COLLECTIONS.personas);
      await personas.insertMany(Array.from({ length: 200 }, (_, index) => ({ organisation, name: `p${index}` })));
      const scan = () => personas.countDocuments({ organisation, name: { $regex: 'nobody' } });
      let refusal: unknown = null;
      await runWithQueryDeadline(-1, () =>
        scan().catch((error: unknown) => {
          refusal = error;
        }),
      );
      expect(refusal).to.be.instanceOf(QueryTimeoutError);
      expect(await scan()).to.equal(0);
      expect(await runWithQueryDeadline(60_000, scan)).to.equal(0);
    } finally {
      await temp.close();
    }
  });

  describe('over HTTP with QUERY_TIMEOUT_MS=1', () => {
    let app: CompatApp;
    before(async () => {
      app = await startCompatApp({ env: { QUERY_TIMEOUT_MS: '1' } });
      const personas = app.built.store.collection(COLLECTIONS.personas);
      // Enough documents that no scan of them ends within 1 ms.
      await personas.insertMany(
        Array.from({ length: 5000 }, (_, index) => ({ organisation: app.a.organisation, name: `person ${index}`, createdAt: new Date() })),
      );
    });
    after(async () => app.close());

    it('answers a list, a count and an LL filter that scan too long with 503 query.timeout; writes are not limited', async () => {
      for (const path of [
        `/api/v2/persona?query=${q({ name: { $regex: 'nobody' } })}`,
        `/api/v2/persona/count?query=${q({ name: { $regex: 'nobody' } })}`,
        '/v1/personas/count?search.name.like=nobody',
        '/v1/personas?search.name.like=nobody',
      ]) {
        const answer = await app.call('GET', path);
        expect(answer.status, path).to.equal(503);
        expect(answer.body.error.code, path).to.equal('query.timeout');
      }
      expect((await app.call('POST', '/v1/personas', { body: { name: 'still writable' } })).status).to.equal(201);
    });
  });
});
