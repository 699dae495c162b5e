// Real objects of one organisation for the authorisation matrix: every kind of id a route takes (persona, identifier,
// attribute, link, merge, /v1 import, LL import and template, client), made through the public API as a client would,
// and the values that only this organisation's data holds (markers a foreign answer must never contain).
import { ObjectId } from 'bson';
import { expect } from 'chai';
import { COLLECTIONS } from '../../../src/domain/model.ts';
import { PERSONAS_IMPORTS, PERSONAS_IMPORT_TEMPLATES } from '../../../src/compat/learning-locker/personas-import-model.ts';
import { unguarded } from '../../support/shard-key-guard.ts';
import { basic, type TestApi } from '../http-support.ts';

export const ACCOUNT_HOME_PAGE = 'https://lms.victim.example';

export interface VictimFixture {
  organisation: string;
  /** A persona with an mbox, an account, an attribute and a link. */
  persona: string;
  /** A second persona (merge target, move target) holding an openid. */
  target: string;
  /** A persona without identifiers (LL deletes only those). */
  bare: string;
  identifier: string;
  attribute: string;
  attributeKey: string;
  link: string;
  merge: string;
  /** The persona's pseudonym (the organisation has pseudonymisation on, so its pseudonym routes answer). */
  pseudonym: string;
  import: string;
  llImport: string;
  template: string;
  client: string;
  mbox: string;
  userId: string;
  /** Strings only this fixture's organisation holds: names, attribute values, addresses. */
  markers: string[];
}

let serial = 0;

async function created(api: TestApi, path: string, body: unknown): Promise<string> {
  const answer = await api.request('POST', path, { body });
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).to.be.within(200, 201);
  return answer.body.id ?? answer.body._id;
}

async function uploadImport(api: TestApi, tag: string): Promise<string> {
  const form = new FormData();
  form.append(
    'file',
    new Blob([`email,name\nimported-${tag}@victim.example,Imported ${tag}\nnot-an-address,Bad\n`], { type: 'text/csv' }),
    'people.csv',
  );
  form.append('mapping', JSON.stringify({ columns: { email: { type: 'mbox', primary: 1 }, name: { type: 'name' } } }));
  const response = await fetch(`${api.baseUrl}/v1/imports`, { method: 'POST', body: form, headers: { authorization: basic(api.admin) } });
  const body = (await response.json()) as { id: string };
  expect(response.status, JSON.stringify(body)).to.equal(202);
  for (;;) {
    const state = await api.request('GET', `/v1/imports/${body.id}`);
    if (state.body.state !== 'processing') return body.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits until no CSV import runs in the background (an accepted upload goes on writing after its 202). */
export async function importsSettled(api: TestApi): Promise<void> {
  const imports = unguarded(api.built.store).collection(COLLECTIONS.imports);
  while (await imports.findOne({ organisation: new ObjectId(api.admin.organisation), state: 'processing' }))
    await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A fresh set of the admin organisation's objects, named so that their values are unique to this call. */
export async function makeVictimFixture(api: TestApi): Promise<VictimFixture> {
  serial += 1;
  const tag = `victim${serial}x${process.pid}`;
  const mbox = `mailto:${tag}@victim.example`;
  const persona = await created(api, '/v1/personas', {
    name: `Name-${tag}`,
    attributes: { dept: `dept-${tag}` },
    identifiers: [
      { key: 'mbox', value: mbox },
      { key: 'account', value: { homePage: ACCOUNT_HOME_PAGE, name: `user-${tag}` } },
    ],
  });
  const target = await created(api, '/v1/personas', {
    name: `Target-${tag}`,
    identifiers: [{ key: 'openid', value: `https://victim.example/${tag}/target` }],
  });
  const bare = await created(api, '/v1/personas', { name: `Bare-${tag}` });
  const merged = await created(api, '/v1/personas', {
    name: `Merged-${tag}`,
    identifiers: [{ key: 'openid', value: `https://victim.example/${tag}/merged` }],
  });
  const merge = await created(api, `/v1/personas/${target}/merge`, { from: [merged] });
  const link = await created(api, '/v1/persona-links', { persona, recTypeName: 'lms-user', recId: `rec-${tag}` });
  const llImport = await created(api, '/api/v2/personasimport', { title: `Import-${tag}` });
  const template = await created(api, '/api/v2/personasimporttemplate', { name: `Template-${tag}` });
  const store = unguarded(api.built.store);
  const organisation = new ObjectId(api.admin.organisation);
  const identifier = await store
    .collection(COLLECTIONS.identifiers)
    .findOne({ organisation, persona: new ObjectId(persona), 'ifi.key': 'mbox' });
  const attribute = await store.collection(COLLECTIONS.attributes).findOne({ organisation, personaId: new ObjectId(persona) });
  expect(await store.collection(PERSONAS_IMPORTS).findOne({ organisation, _id: new ObjectId(llImport) })).to.not.equal(null);
  expect(await store.collection(PERSONAS_IMPORT_TEMPLATES).findOne({ organisation, _id: new ObjectId(template) })).to.not.equal(null);
  const client = await api.newClient({ scopes: ['personas:read'] });
  expect((await api.request('PUT', '/v1/pseudonymisation', { body: { enabled: true } })).status).to.equal(200);
  const pseudonymised = await api.request('GET', `/v1/personas/${persona}/export?pseudonymised=true`);
  const pseudonym = pseudonymised.body.persona?.persona as string | undefined;
  expect(pseudonym, 'the pseudonymised export names the persona by its pseudonym').to.match(/^pp_/);
  return {
    pseudonym: pseudonym!,
    organisation: api.admin.organisation,
    persona,
    target,
    bare,
    merge,
    link,
    llImport,
    template,
    mbox,
    identifier: String(identifier!._id),
    attribute: String(attribute!._id),
    attributeKey: 'dept',
    client: client.id,
    import: await uploadImport(api, tag),
    userId: `user-${tag}`,
    markers: [
      `Name-${tag}`,
      `dept-${tag}`,
      `${tag}@victim.example`,
      `Target-${tag}`,
      `Bare-${tag}`,
      `rec-${tag}`,
      `Import-${tag}`,
      `Template-${tag}`,
      `imported-${tag}`,
      api.admin.organisation,
    ],
  };
}
