// Which events a resolution announces: one `identifier.created` per new identifier, and `persona.created` only for
// personas the resolver created during that resolution (not for an existing persona that gained an identifier).
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi } from '../../src/domain/model.ts';
import { eventsOfResolution } from '../../src/features/events/persona-events.ts';
import type { ResolutionResult, ResolvedAgent } from '../../src/features/resolver/resolution-result.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('persona events of a resolution', () => {
  let temp: TempStore;
  beforeEach(async () => { temp = await openTempEmbeddedStore(); });
  afterEach(async () => { await temp.close(); });

  const agent = (identifierId: ObjectId, personaId: ObjectId, ifi: Ifi, created: boolean): ResolvedAgent => ({
    role: 'actor', path: 'actor', ifi, identifierId: identifierId.toHexString(), personaId: personaId.toHexString(), created,
  });

  it('announces new identifiers once each and only the personas created by this resolution', async () => {
    const organisation = new ObjectId();
    const personas = temp.store.collection(COLLECTIONS.personas);
    const startedAt = new Date();
    const fresh = new ObjectId();
    const existing = new ObjectId();
    await personas.insertMany([
      { _id: fresh, organisation, name: 'Ann', createdAt: new Date(startedAt.getTime() + 1), updatedAt: startedAt, createdBy: 'resolver' },
      { _id: existing, organisation, name: 'Bob', createdAt: new Date(startedAt.getTime() - 60_000), updatedAt: startedAt, createdBy: 'resolver' },
    ]);
    const annMbox = new ObjectId();
    const bobAccount = new ObjectId();
    const bobOld = new ObjectId();
    const mbox: Ifi = { key: 'mbox', value: 'mailto:ann@example.org' };
    const account: Ifi = { key: 'account', value: { homePage: 'https://lms.example.org', name: 'bob' } };
    const result: ResolutionResult = {
      counts: { resolved: 3, rejected: 0, personasCreated: 1, identifiersCreated: 2 },
      results: [
        { statementId: '1', status: 'resolved', error: null, agents: [agent(annMbox, fresh, mbox, true)] },
        { statementId: '2', status: 'resolved', error: null, agents: [agent(annMbox, fresh, mbox, false), agent(bobAccount, existing, account, true)] },
        { statementId: '3', status: 'resolved', error: null, agents: [agent(bobOld, existing, account, false)] },
      ],
    };
    const events = await eventsOfResolution(temp.store, organisation, result, startedAt);
    expect(events.map((event) => event.eventId)).to.deep.equal([
      `persona.created:${fresh.toHexString()}`,
      `identifier.created:${annMbox.toHexString()}`,
      `identifier.created:${bobAccount.toHexString()}`,
    ]);
    expect(events[0]).to.include({ type: 'persona.created', name: 'Ann', organisation: organisation.toHexString() });
    expect(events[2]).to.deep.include({ type: 'identifier.created', personaId: existing.toHexString(), ifi: account });
  });

  it('announces nothing when nothing was created', async () => {
    const result: ResolutionResult = { counts: { resolved: 0, rejected: 0, personasCreated: 0, identifiersCreated: 0 }, results: [] };
    expect(await eventsOfResolution(temp.store, new ObjectId(), result, new Date())).to.deep.equal([]);
  });
});
