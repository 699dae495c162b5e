// Pseudonymisation over the real app (issue 15): opt-in per organisation, the persona export and the organisation
// export (JSON lines) replacing identifiers and names with keyed pseudonyms that join across exports, key rotation
// with a dated history, re-identification, erasure forgetting the mapping, the key never answered, organisation
// isolation, and write-back stamping the pseudonymous person (WRITE_BACK_PERSON=pseudonym).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { stampStatements } from '../../src/features/write-back/statement-stamping.ts';
import { PSEUDONYM_KEYS_COLLECTION } from '../../src/features/pseudonyms/pseudonym-keys.ts';
import {
  accountIfi,
  createLink,
  createPersona,
  expectError,
  mboxIfi,
  startTestApi,
  type TestApi,
} from '../identity/support/identity-api.ts';

const PSEUDONYM = /^p[pi]_[A-Za-z0-9_-]{22}$/;
/** The test client parses a body that is one JSON document (one line) and answers null for an empty one. */
const jsonLines = (body: unknown): any[] =>
  body === null
    ? []
    : typeof body === 'string'
      ? body
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
      : [body];

describe('HTTP: pseudonymisation', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const enable = async () => {
    const answer = await api.request('PUT', '/v1/pseudonymisation', { body: { enabled: true } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };
  const organisationExport = async (auth?: { key: string; secret: string }) => {
    const answer = await api.request('GET', '/v1/personas/export?pseudonymised=true', auth ? { auth } : {});
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return { lines: jsonLines(answer.body), answer };
  };

  it('is off until turned on: exports refuse with pseudonyms.not_enabled; bad values are named', async () => {
    const ada = await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    expect((await api.request('GET', '/v1/pseudonymisation')).body).to.deep.include({ enabled: false, currentKey: null });
    expectError(await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`), 409, 'pseudonyms.not_enabled');
    expectError(await api.request('GET', '/v1/personas/export?pseudonymised=true'), 409, 'pseudonyms.not_enabled');
    const bad = await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=yes`);
    expectError(bad, 400, 'query.invalid_parameter');
    expect(bad.body.error.details[0].path).to.equal('query.pseudonymised');
    expectError(await api.request('GET', '/v1/personas/export'), 400, 'query.invalid_parameter');
    const invalid = await api.request('PUT', '/v1/pseudonymisation', { body: { enabled: 'yes' } });
    expectError(invalid, 422, 'pseudonyms.failed_to_validate');
    expect(invalid.body.error.details[0]).to.include({ path: 'enabled', code: 'pseudonyms.invalid_enabled' });
    const writer = await api.newClient({ scopes: ['personas:read', 'personas:write'] });
    expect((await api.request('PUT', '/v1/pseudonymisation', { auth: writer, body: { enabled: true } })).status).to.equal(403);
    expect((await api.request('GET', `/v1/personas/${ada}/export`)).body.persona.name, 'the plain export is unchanged').to.equal('Ada');
  });

  it('replaces identifiers, names and ids with pseudonyms that join the persona export with the organisation export', async () => {
    const ada = await createPersona(api, {
      name: 'Ada Lovelace',
      identifiers: [mboxIfi('ada@example.org'), accountIfi('https://lms.example.org', 'ada-42')],
      attributes: { cohort: '2024-a' },
    });
    await createPersona(api, { name: 'Bob', identifiers: [mboxIfi('bob@example.org')] });
    await createLink(api, ada, 'lms-user', 'u-1842');
    await enable();

    const single = await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`);
    expect(single.status, JSON.stringify(single.body)).to.equal(200);
    const text = JSON.stringify(single.body);
    for (const secret of ['Ada', 'ada@example.org', 'ada-42', 'lms.example.org', 'u-1842', ada]) expect(text).not.to.include(secret);
    expect(single.body.persona.persona).to.match(PSEUDONYM);
    expect(single.body.identifiers.map((entry: { kind: string }) => entry.kind).sort()).to.deep.equal(['account', 'mbox']);
    for (const entry of single.body.identifiers) expect(entry.pseudonym).to.match(PSEUDONYM);
    expect(single.body.attributes).to.deep.equal([{ key: 'cohort', value: '2024-a' }]);
    expect(single.body.links[0].recId).to.match(PSEUDONYM);

    const { lines, answer } = await organisationExport();
    expect(answer.headers.get('content-type')).to.match(/^application\/x-ndjson/);
    expect(answer.headers.get('x-pseudonym-key')).to.equal(single.body.keyId);
    expect(lines).to.have.length(2);
    expect(JSON.stringify(answer.body)).not.to.include('example.org');
    const adaLine = lines.find((line) => line.persona === single.body.persona.persona);
    expect(adaLine, 'the two exports join on the persona pseudonym').to.not.equal(undefined);
    expect(adaLine.identifiers).to.deep.equal(single.body.identifiers);
    expect(adaLine.attributes).to.deep.equal({ cohort: '2024-a' });
    expect(lines.find((line) => line.persona !== single.body.persona.persona).identifiers).to.have.length(1);
    expect((await organisationExport()).lines, 'the same pseudonyms in a second export').to.deep.equal(lines);
  });

  it('rotation starts other pseudonyms and keeps a dated history; the key itself is never answered', async () => {
    const ada = await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    const first = await enable();
    expect(first.currentKey.id).to.be.a('string');
    expect(await enable(), 'enabling again keeps the key').to.deep.equal(first);
    const before = (await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`)).body;
    const rotated = await api.request('POST', '/v1/pseudonymisation/rotate');
    expect(rotated.status).to.equal(200);
    expect(rotated.body.currentKey.id).not.to.equal(first.currentKey.id);
    expect(rotated.body.retiredKeys).to.have.length(1);
    expect(rotated.body.retiredKeys[0]).to.include({ id: first.currentKey.id, createdAt: first.currentKey.createdAt });
    expect(Date.parse(rotated.body.retiredKeys[0].retiredAt)).to.be.at.least(Date.parse(first.currentKey.createdAt));
    const after = (await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`)).body;
    expect(after.persona.persona).not.to.equal(before.persona.persona);
    expect(after.keyId).to.equal(rotated.body.currentKey.id);

    const stored = await api.built.store
      .collection(PSEUDONYM_KEYS_COLLECTION)
      .findOne({ _id: new ObjectId(api.admin.organisation), organisation: new ObjectId(api.admin.organisation) });
    const secret: string = stored!.current.secret;
    for (const answer of [first, rotated.body, (await api.request('GET', '/v1/pseudonymisation')).body, before, after]) {
      expect(JSON.stringify(answer)).not.to.include(secret);
    }
    expect(stored!.history[0]).not.to.have.property('secret');
  });

  it('concurrent requests to turn it on keep one key, and concurrent rotations leave one current key and a consistent history', async () => {
    const ada = await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    const enabled = await Promise.all(
      Array.from({ length: 6 }, () => api.request('PUT', '/v1/pseudonymisation', { body: { enabled: true } })),
    );
    expect(enabled.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expect(new Set(enabled.map((answer) => answer.body.currentKey.id)).size, 'one key').to.equal(1);
    const rotations = await Promise.all(Array.from({ length: 4 }, () => api.request('POST', '/v1/pseudonymisation/rotate')));
    expect(rotations.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200]);
    const settings = (await api.request('GET', '/v1/pseudonymisation')).body;
    const ids = [...settings.retiredKeys.map((key: { id: string }) => key.id), settings.currentKey.id];
    expect(new Set(ids).size, 'no key retired twice').to.equal(ids.length);
    expect(settings.retiredKeys[0].id).to.equal(enabled[0].body.currentKey.id);
    expect(settings.retiredKeys.length).to.be.within(1, 4);
    const exported = (await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`)).body;
    expect(exported.keyId, 'exports use the current key').to.equal(settings.currentKey.id);
  });

  it('a pseudonym names its persona for clients:admin of its organisation only, and erasure forgets it', async () => {
    const ada = await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    const keep = await createPersona(api, { name: 'Keep', identifiers: [mboxIfi('keep@example.org')] });
    await enable();
    const exported = (await api.request('GET', `/v1/personas/${ada}/export?pseudonymised=true`)).body;
    const kept = (await api.request('GET', `/v1/personas/${keep}/export?pseudonymised=true`)).body;
    const lookup = await api.request('GET', `/v1/pseudonyms/${exported.persona.persona}`);
    expect(lookup.status, JSON.stringify(lookup.body)).to.equal(200);
    expect(lookup.body).to.include({ kind: 'persona', personaId: ada, keyId: exported.keyId });
    const identifier = await api.request('GET', `/v1/pseudonyms/${exported.identifiers[0].pseudonym}`);
    expect(identifier.body).to.include({ kind: 'identifier', personaId: ada });

    const other = await api.newClient({ newOrganisation: true, scopes: ['personas:read', 'clients:admin'] });
    expectError(
      await api.request('GET', `/v1/pseudonyms/${exported.persona.persona}`, { auth: other }),
      404,
      'pseudonyms.pseudonym_not_found',
    );
    const reader = await api.newClient({ scopes: ['personas:read'] });
    expect((await api.request('GET', `/v1/pseudonyms/${exported.persona.persona}`, { auth: reader })).status).to.equal(403);
    expectError(await api.request('GET', '/v1/pseudonyms/not-a-pseudonym'), 400, 'pseudonyms.invalid_pseudonym');

    expect((await api.request('POST', `/v1/personas/${ada}/erase`)).status).to.equal(200);
    expectError(await api.request('GET', `/v1/pseudonyms/${exported.persona.persona}`), 404, 'pseudonyms.pseudonym_not_found');
    expectError(await api.request('GET', `/v1/pseudonyms/${exported.identifiers[0].pseudonym}`), 404, 'pseudonyms.pseudonym_not_found');
    expect((await api.request('GET', `/v1/pseudonyms/${kept.persona.persona}`)).body.personaId, 'others are kept').to.equal(keep);
    expect((await organisationExport()).lines.map((line) => line.persona)).to.deep.equal([kept.persona.persona]);
  });

  it("an export by another organisation never lists this one's personas", async () => {
    await createPersona(api, { name: 'Ada', identifiers: [mboxIfi('ada@example.org')] });
    await enable();
    const other = await api.newClient({ newOrganisation: true, scopes: ['personas:read', 'clients:admin'] });
    expect((await api.request('PUT', '/v1/pseudonymisation', { auth: other, body: { enabled: true } })).status).to.equal(200);
    const { lines } = await organisationExport(other);
    expect(lines).to.deep.equal([]);
  });
});

describe('HTTP: write-back with WRITE_BACK_PERSON=pseudonym', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi({ WRITE_BACK_STATEMENTS: 'true', WRITE_BACK_PERSON: 'pseudonym' });
  });
  afterEach(async () => {
    await api.close();
  });
  const statements = () => api.built.store.collection('statements');

  it('stamps statements with the persona pseudonym on the ingest path and after a merge, never the name', async () => {
    const organisation = new ObjectId(api.admin.organisation);
    const statementId = '6f1c0a4e-3b4a-4e43-9d0e-8f4c1f3a2b10';
    await statements().insertOne({ organisation, statement: { id: statementId, actor: { mbox: 'mailto:ann@example.org' } } });
    const result = await api.built.services.resolver.resolveStatements(organisation, [
      {
        id: statementId,
        actor: { mbox: 'mailto:ann@example.org', name: 'Ann' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
        object: { id: 'https://example.org/c/1' },
      },
    ]);
    await stampStatements(api.built.store, statements(), organisation, result, 'pseudonym');
    const ann = result.results[0].agents[0].personaId;
    const stamped = (await statements().findOne({ organisation, 'statement.id': statementId }))!;
    expect(stamped.person.display).to.match(PSEUDONYM);
    expect(stamped.person._id.toHexString()).to.equal(ann);

    const exported = await api.request('GET', `/v1/personas/${ann}/export?pseudonymised=true`);
    expect(exported.status, 'write-back turned pseudonymisation on').to.equal(200);
    expect(exported.body.persona.persona, 'the stamp joins with the export').to.equal(stamped.person.display);

    const bob = await createPersona(api, { name: 'Bob', identifiers: [mboxIfi('bob@example.org')] });
    expect((await api.request('POST', `/v1/personas/${bob}/merge`, { body: { from: [ann] } })).status).to.equal(201);
    const restamped = (await statements().findOne({ organisation, 'statement.id': statementId }))!;
    const bobPseudonym = (await api.request('GET', `/v1/personas/${bob}/export?pseudonymised=true`)).body.persona.persona;
    expect(restamped.person).to.deep.equal({ _id: new ObjectId(bob), display: bobPseudonym });
    expect((await api.request('GET', `/v1/pseudonyms/${bobPseudonym}`)).body.personaId).to.equal(bob);
  });
});
