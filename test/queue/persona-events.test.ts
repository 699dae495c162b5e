// Which events a resolution announces: one `identifier.created` per new identifier, and `persona.created` for exactly
// the personas the result says this resolution created (not for an existing persona that gained an identifier, nor
// for one a concurrent resolver created at the same moment); and the event of a merge record.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS, type Ifi } from '../../src/domain/model.ts';
import { eventOfMerge, eventsOfResolution } from '../../src/features/events/persona-events.ts';
import type { MergeRecordDoc } from '../../src/features/merges/merge-record.ts';
import type { ResolutionResult, ResolvedAgent } from '../../src/core/resolution-result.ts';
import { openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';

describe('persona events of a resolution', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => {
    await temp.close();
  });

  const agent = (identifierId: ObjectId, personaId: ObjectId, ifi: Ifi, created: boolean): ResolvedAgent => ({
    role: 'actor',
    path: 'actor',
    ifi,
    identifierId: identifierId.toHexString(),
    personaId: personaId.toHexString(),
    created,
  });

  it('announces new identifiers once each and only the personas created by this resolution', async () => {
    const organisation = new ObjectId();
    const personas = temp.store.collection(COLLECTIONS.personas);
    const startedAt = new Date();
    const fresh = new ObjectId();
    const existing = new ObjectId();
    await personas.insertMany([
      { _id: fresh, organisation, name: 'Ann', createdAt: new Date(startedAt.getTime() + 1), updatedAt: startedAt, createdBy: 'resolver' },
      {
        _id: existing,
        organisation,
        name: 'Bob',
        createdAt: new Date(startedAt.getTime() - 60_000),
        updatedAt: startedAt,
        createdBy: 'resolver',
      },
    ]);
    const annMbox = new ObjectId();
    const bobAccount = new ObjectId();
    const bobOld = new ObjectId();
    const mbox: Ifi = { key: 'mbox', value: 'mailto:ann@example.org' };
    const account: Ifi = { key: 'account', value: { homePage: 'https://lms.example.org', name: 'bob' } };
    const result: ResolutionResult = {
      counts: { resolved: 3, rejected: 0, personasCreated: 1, identifiersCreated: 2 },
      createdPersonaIds: [fresh.toHexString()],
      results: [
        { statementId: '1', status: 'resolved', error: null, agents: [agent(annMbox, fresh, mbox, true)] },
        {
          statementId: '2',
          status: 'resolved',
          error: null,
          agents: [agent(annMbox, fresh, mbox, false), agent(bobAccount, existing, account, true)],
        },
        { statementId: '3', status: 'resolved', error: null, agents: [agent(bobOld, existing, account, false)] },
      ],
    };
    const events = await eventsOfResolution(temp.store, organisation, result);
    expect(events.map((event) => event.eventId)).to.deep.equal([
      `persona.created:${fresh.toHexString()}`,
      `identifier.created:${annMbox.toHexString()}`,
      `identifier.created:${bobAccount.toHexString()}`,
    ]);
    expect(events[0]).to.include({ type: 'persona.created', name: 'Ann', organisation: organisation.toHexString() });
    expect(events[2]).to.deep.include({ type: 'identifier.created', personaId: existing.toHexString(), ifi: account });
  });

  it('announces nothing when nothing was created', async () => {
    const result: ResolutionResult = {
      counts: { resolved: 0, rejected: 0, personasCreated: 0, identifiersCreated: 0 },
      results: [],
      createdPersonaIds: [],
    };
    expect(await eventsOfResolution(temp.store, new ObjectId(), result)).to.deep.equal([]);
  });

  it('announces personas from the result, not from creation dates a concurrent resolver shares', async () => {
    const organisation = new ObjectId();
    const now = new Date();
    const mine = new ObjectId();
    const concurrent = new ObjectId();
    await temp.store.collection(COLLECTIONS.personas).insertMany([
      { _id: mine, organisation, name: 'Ann', createdAt: now, updatedAt: now, createdBy: 'resolver' },
      { _id: concurrent, organisation, name: 'Bob', createdAt: now, updatedAt: now, createdBy: 'resolver' },
    ]);
    const identifier = new ObjectId();
    const ifi: Ifi = { key: 'mbox', value: 'mailto:ann@example.org' };
    const result: ResolutionResult = {
      counts: { resolved: 1, rejected: 0, personasCreated: 1, identifiersCreated: 1 },
      createdPersonaIds: [mine.toHexString()],
      results: [
        {
          statementId: '1',
          status: 'resolved',
          error: null,
          agents: [agent(identifier, mine, ifi, true), agent(new ObjectId(), concurrent, ifi, false)],
        },
      ],
    };
    const events = await eventsOfResolution(temp.store, organisation, result);
    expect(events.filter((event) => event.type === 'persona.created').map((event) => event.eventId)).to.deep.equal([
      `persona.created:${mine.toHexString()}`,
    ]);
    expect(events[0]).to.include({ name: 'Ann', occurredAt: now.toISOString() });
  });

  it('a merge record announces persona.merged when applied, persona.merge_undone when undone, nothing otherwise', () => {
    const organisation = new ObjectId();
    const target = new ObjectId();
    const source = new ObjectId();
    const appliedAt = new Date('2026-01-02T03:04:05.000Z');
    const record: MergeRecordDoc = {
      _id: new ObjectId(),
      organisation,
      target,
      sources: [source],
      actor: 'admin',
      state: 'applied',
      createdAt: appliedAt,
      updatedAt: appliedAt,
      appliedAt,
    };
    expect(eventOfMerge(record)).to.deep.equal({
      type: 'persona.merged',
      eventId: `persona.merged:${record._id.toHexString()}`,
      organisation: organisation.toHexString(),
      mergeId: record._id.toHexString(),
      personaId: target.toHexString(),
      sourceIds: [source.toHexString()],
      actor: 'admin',
      occurredAt: appliedAt.toISOString(),
    });
    const undoneAt = new Date('2026-01-03T00:00:00.000Z');
    expect(eventOfMerge({ ...record, state: 'undone', undoneAt, undoneBy: 'other-admin' })).to.include({
      type: 'persona.merge_undone',
      eventId: `persona.merge_undone:${record._id.toHexString()}`,
      actor: 'other-admin',
      occurredAt: undoneAt.toISOString(),
    });
    for (const state of ['intent', 'pending', 'refused', 'undoing', 'abandoned'] as const)
      expect(eventOfMerge({ ...record, state })).to.equal(null);
  });
});
