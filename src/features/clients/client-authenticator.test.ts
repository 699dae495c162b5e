// The authenticator's throttle of wrong secrets: after the limit, a key's uncached attempts fail without checking
// the secret (so the right secret is refused too, which proves scrypt did not run) until the window has passed,
// while a client whose right secret is already cached goes on working.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import { openTempEmbeddedStore, type TempStore } from '../../../test/support/temp-store.ts';
import { createClientAuthenticator } from './client-authenticator.ts';
import { hashSecret } from './secret-hash.ts';

describe('client authenticator: throttling wrong secrets', () => {
  let temp: TempStore;
  let clock = 1_000_000;
  const now = () => clock;

  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
    const organisation = new ObjectId();
    await temp.store.collection(COLLECTIONS.organisations).insertOne({ _id: organisation, name: 'org', createdAt: new Date() });
    for (const key of ['attacked', 'neighbour']) {
      await temp.store.collection(COLLECTIONS.clients).insertOne({
        organisation, title: key, key, secretHash: await hashSecret(`${key}-secret`), scopes: ['personas:read'], createdAt: new Date(),
      });
    }
  });
  afterEach(async () => temp.close());

  it('refuses a key without checking its secret after too many wrong ones, until the window ends', async () => {
    const authenticator = createClientAuthenticator({ store: temp.store, failureLimit: 3, failureWindowMs: 60_000, now });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await authenticator.authenticate('attacked', `guess-${attempt}`)).ok).to.equal(false);
    }
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok, 'throttled: the secret is not even checked').to.equal(false);
    expect((await authenticator.authenticate('neighbour', 'neighbour-secret')).ok, 'other keys are not throttled').to.equal(true);
    clock += 60_000;
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok).to.equal(true);
  });

  it('keeps a client whose right secret is cached working while its key is under attack', async () => {
    const authenticator = createClientAuthenticator({ store: temp.store, failureLimit: 2, failureWindowMs: 60_000, now });
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok).to.equal(true);
    for (let attempt = 0; attempt < 5; attempt += 1) await authenticator.authenticate('attacked', `guess-${attempt}`);
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok).to.equal(true);
  });

  it('forgets earlier failures after a right secret', async () => {
    const authenticator = createClientAuthenticator({ store: temp.store, failureLimit: 2, failureWindowMs: 60_000, now });
    await authenticator.authenticate('attacked', 'wrong-1');
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok).to.equal(true);
    authenticator.forget('attacked');
    await authenticator.authenticate('attacked', 'wrong-2');
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok, 'one failure since the success: under the limit').to.equal(true);
  });
});
