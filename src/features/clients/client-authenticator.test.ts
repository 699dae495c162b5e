// The authenticator's throttle of wrong secrets: after the limit, a key's uncached attempts from that address fail
// without checking the secret (so the right secret from the same address is refused too, which proves scrypt did
// not run) until the window has passed, while a client whose right secret is already cached, or who presents it from
// another address, goes on working. Parallel guesses are counted before scrypt starts, and scrypt runs are bounded.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../domain/model.ts';
import { openTempEmbeddedStore, type TempStore } from '../../../test/support/temp-store.ts';
import { createClientAuthenticator } from './client-authenticator.ts';
import { hashSecret, verifySecret } from './secret-hash.ts';

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
        organisation,
        title: key,
        key,
        secretHash: await hashSecret(`${key}-secret`),
        scopes: ['personas:read'],
        createdAt: new Date(),
      });
    }
  });
  afterEach(async () => temp.close());

  it('refuses a key without checking its secret after too many wrong ones, until the window ends', async () => {
    const authenticator = createClientAuthenticator({ store: temp.store, failureLimit: 3, failureWindowMs: 60_000, now });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await authenticator.authenticate('attacked', `guess-${attempt}`)).ok).to.equal(false);
    }
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok, 'throttled: the secret is not even checked').to.equal(
      false,
    );
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
    expect((await authenticator.authenticate('attacked', 'attacked-secret')).ok, 'one failure since the success: under the limit').to.equal(
      true,
    );
  });

  it('runs scrypt at most the limit for 200 parallel wrong guesses, two at a time, and still lets the right secret in from elsewhere', async () => {
    let runs = 0;
    let running = 0;
    let mostAtOnce = 0;
    const countingVerify = async (secret: string, stored: string) => {
      runs += 1;
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        return await verifySecret(secret, stored);
      } finally {
        running -= 1;
      }
    };
    const authenticator = createClientAuthenticator({
      store: temp.store,
      failureLimit: 5,
      maxConcurrentChecks: 2,
      failureWindowMs: 60_000,
      now,
      verifySecret: countingVerify,
    });
    const guesses = Array.from({ length: 200 }, (_, n) => authenticator.authenticate('attacked', `guess-${n}`, '203.0.113.7'));
    const rightSecret = authenticator.authenticate('attacked', 'attacked-secret', '198.51.100.20');
    const outcomes = await Promise.all(guesses);
    expect(outcomes.every((outcome) => !outcome.ok)).to.equal(true);
    expect((await rightSecret).ok, 'the right secret from another address').to.equal(true);
    expect(runs, 'scrypt runs: 5 guesses admitted + the right secret').to.equal(6);
    expect(mostAtOnce).to.be.at.most(2);
    authenticator.forget('attacked');
    expect(
      (await authenticator.authenticate('attacked', 'attacked-secret', '203.0.113.7')).ok,
      "uncached, the attacker's address stays throttled",
    ).to.equal(false);
    expect(
      (await authenticator.authenticate('attacked', 'attacked-secret', '198.51.100.20')).ok,
      'uncached, from the client address',
    ).to.equal(true);
    expect(runs, 'the throttled attempt ran no scrypt').to.equal(7);
  });

  it('lets a burst of requests with the right secret in before it is cached, with one scrypt run', async () => {
    let runs = 0;
    const countingVerify = (secret: string, stored: string) => {
      runs += 1;
      return verifySecret(secret, stored);
    };
    const authenticator = createClientAuthenticator({ store: temp.store, failureLimit: 5, now, verifySecret: countingVerify });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => authenticator.authenticate('attacked', 'attacked-secret', '198.51.100.20')),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).to.have.length(30);
    expect(runs).to.equal(1);
  });

  it("stops one address guessing across many keys with the address's own budget", async () => {
    const authenticator = createClientAuthenticator({
      store: temp.store,
      failureLimit: 5,
      addressFailureLimit: 3,
      failureWindowMs: 60_000,
      now,
    });
    for (let attempt = 0; attempt < 3; attempt += 1)
      await authenticator.authenticate(attempt % 2 ? 'attacked' : 'neighbour', `guess-${attempt}`, '203.0.113.7');
    expect((await authenticator.authenticate('neighbour', 'neighbour-secret', '203.0.113.7')).ok, 'address budget spent').to.equal(false);
    expect((await authenticator.authenticate('neighbour', 'neighbour-secret', '198.51.100.20')).ok, 'other addresses unaffected').to.equal(
      true,
    );
  });
});
