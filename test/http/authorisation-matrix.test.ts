// Object-level authorisation, every route × every kind of caller, on real ids made in the test: the route table is
// the OpenAPI document (/v1, /api, /crud, /xapi), and an operation without an entry in route-matrix.ts fails here.
// Callers: no credentials and a revoked client (401), a client lacking the route's scope and a read-only client (403
// where they lack it), another organisation with every scope (never a 5xx, never the owner's data in an answer, a
// 4xx on the owner's ids, the owner's data unchanged), and the owner (allowed, on ids it really holds).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { SCOPES, type Scope } from '../../src/domain/model.ts';
import { unguarded } from '../support/shard-key-guard.ts';
import { startTestApi, type Credentials, type TestApi } from './http-support.ts';
import { ROUTE_MATRIX, pathOf, type MatrixEntry } from './authorisation/route-matrix.ts';
import { importsSettled, makeVictimFixture, type VictimFixture } from './authorisation/victim-fixture.ts';

/** Every collection a route of the matrix writes, read whole for the owner's organisation. */
const OWNED_COLLECTIONS = [
  'personas',
  'personaIdentifiers',
  'personaAttributes',
  'personaLinks',
  'personaEmailClaims',
  'personaNames',
  'identityRules',
  'personaMerges',
  'personaMergeMoves',
  'personaDuplicateDismissals',
  'personaImports',
  'personasImports',
  'personasImportTemplates',
  'apiClients',
];

async function ownerSnapshot(api: TestApi): Promise<string> {
  const organisation = new ObjectId(api.admin.organisation);
  const store = unguarded(api.built.store);
  await importsSettled(api);
  const parts = await Promise.all(OWNED_COLLECTIONS.map((name) => store.collection(name).find({ organisation }, { sort: { _id: 1 } })));
  return JSON.stringify(parts);
}

function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

interface Callers {
  otherOrganisation: Credentials;
  revoked: Credentials;
  readOnly: Credentials;
  lacking: Map<Scope, Credentials>;
}

describe('HTTP: object-level authorisation matrix (every route × every caller)', function () {
  this.timeout(600_000);
  let api: TestApi;
  let callers: Callers;
  let sharedFixture: VictimFixture;

  before(async () => {
    api = await startTestApi({ AUTO_MERGE_CERTAIN: 'true' });
    const revoked = await api.newClient();
    expect((await api.request('DELETE', `/v1/clients/${revoked.id}`)).status).to.equal(204);
    const lacking = new Map<Scope, Credentials>();
    for (const scope of SCOPES) lacking.set(scope, await api.newClient({ scopes: SCOPES.filter((held) => held !== scope) }));
    callers = {
      otherOrganisation: await api.newClient({ newOrganisation: true }),
      revoked,
      readOnly: await api.newClient({ scopes: ['personas:read'] }),
      lacking,
    };
    sharedFixture = await makeVictimFixture(api);
  });
  after(async () => {
    await api?.close();
  });

  it('has an entry for every operation of the route table, and none for a route that is gone', async () => {
    const operations = operationsOf((await api.request('GET', '/openapi.json', { auth: null })).body);
    expect(operations.length).to.be.above(100);
    expect(
      operations.filter((operation) => !ROUTE_MATRIX[operation]),
      'routes without a matrix entry',
    ).to.deep.equal([]);
    expect(
      Object.keys(ROUTE_MATRIX).filter((operation) => !operations.includes(operation)),
      'matrix entries without a route',
    ).to.deep.equal([]);
  });

  async function call(operation: string, entry: MatrixEntry, fixture: VictimFixture, auth: Credentials | null) {
    const [method, template] = operation.split(' ');
    const request = entry.request?.(fixture) ?? {};
    const path = `${pathOf(template, fixture, request.params)}${request.query ? `?${request.query}` : ''}`;
    const answer = await api.request(method, path, { auth, body: request.body, raw: request.raw, headers: request.headers });
    return {
      ...answer,
      context: `${operation} as %s: ${method} ${path} → ${answer.status} ${String((answer as { text?: string }).text ?? '').slice(0, 300)}`,
      sent: `${decodeURIComponent(path)} ${JSON.stringify(request.body ?? '')}`,
      path: path.split('?')[0],
    };
  }

  function expectAllowed(answer: { status: number; context: string }, entry: MatrixEntry, who: string) {
    if (entry.ownerStatus) expect(answer.status, answer.context.replace('%s', who)).to.equal(entry.ownerStatus);
    else expect(answer.status, answer.context.replace('%s', who)).to.be.within(200, 399);
  }

  for (const [operation, entry] of Object.entries(ROUTE_MATRIX)) {
    it(`${operation} (${entry.access})`, async () => {
      const isRead = operation.startsWith('GET ');
      const fixture = isRead ? sharedFixture : await makeVictimFixture(api);
      const before = await ownerSnapshot(api);
      if (entry.access === 'public') {
        for (const [who, auth] of [
          ['no credentials', null],
          ['revoked', callers.revoked],
          ['other organisation', callers.otherOrganisation],
        ] as const) {
          expectAllowed(await call(operation, entry, fixture, auth), entry, who);
        }
        return;
      }
      for (const [who, auth] of [
        ['no credentials', null],
        ['revoked', callers.revoked],
      ] as const) {
        const answer = await call(operation, entry, fixture, auth);
        expect(answer.status, answer.context.replace('%s', who)).to.equal(401);
      }
      if (entry.access !== 'caller') {
        const answer = await call(operation, entry, fixture, callers.lacking.get(entry.access)!);
        expect(answer.status, answer.context.replace('%s', `a client without ${entry.access}`)).to.equal(403);
      }
      const readOnly = await call(operation, entry, fixture, callers.readOnly);
      if (entry.access === 'personas:read' || entry.access === 'caller') expectAllowed(readOnly, entry, 'a read-only client');
      else expect(readOnly.status, readOnly.context.replace('%s', 'a read-only client')).to.equal(403);

      const foreign = await call(operation, entry, fixture, callers.otherOrganisation);
      const context = foreign.context.replace('%s', 'another organisation');
      if (entry.ownerStatus !== 501) expect(foreign.status, context).to.be.below(500);
      const ownerIds = Object.values(fixture).filter((value): value is string => typeof value === 'string' && /^[0-9a-f]{24}$/.test(value));
      if (ownerIds.some((id) => foreign.path.includes(id)))
        expect(foreign.status, `${context}: an owner's id in the path`).to.be.within(400, 499);
      const text = typeof foreign.body === 'string' ? foreign.body : JSON.stringify(foreign.body);
      for (const marker of fixture.markers.filter((value) => !foreign.sent.includes(value)))
        expect(text, `${context}: leaks ${marker}`).to.not.include(marker);
      expect(await ownerSnapshot(api), `${operation}: the owner's data changed by refused callers`).to.equal(before);

      expectAllowed(await call(operation, entry, fixture, api.admin), entry, 'the owner');
    });
  }
});
