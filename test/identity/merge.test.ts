// Merge, undo and history against a real embedded store: what moves, what conflicts, refusals with their codes,
// one-hop tombstone chains, exact undo and its 409 when something moved since.
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { ApiError } from '../../src/core/errors/api-error.ts';
import { createMergeService, LISTED_UNDO_CONFLICTS } from '../../src/features/merges/merge.service.ts';
import { availableStoreFactories, type TempStore } from '../support/temp-store.ts';
import { account, mbox, mboxSha1, openid, seedIdentifier, seedPersona, sha1, snapshot } from './support/seed.ts';

async function expectRefusal(promise: Promise<unknown>, code: string, status: number): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ApiError);
    expect((error as ApiError).code).to.equal(code);
    expect((error as ApiError).status).to.equal(status);
    return error as ApiError;
  }
  throw new Error(`expected ${code}`);
}

for (const factory of availableStoreFactories()) {
  describe(`merges (${factory.name} store)`, () => {
    let temp: TempStore;
    const organisation = new ObjectId();
    beforeEach(async () => {
      temp = await factory.open();
    });
    afterEach(async () => {
      await temp.close();
    });

    it('moves identifiers, attributes, links and email claims; keeps the target value on conflicts and records the source value', async () => {
      const { store } = temp;
      const target = await seedPersona(store, organisation, {
        identifiers: [mbox('ann@example.org')],
        attributes: { team: 'red', level: 3 },
        links: [{ recTypeName: 'user', recId: '1' }],
      });
      const source = await seedPersona(store, organisation, {
        identifiers: [mbox('ann.b@example.org'), account('http://lms.example.org', 'ann')],
        attributes: { team: 'blue', employeeNumber: 'E7' },
        links: [
          { recTypeName: 'user', recId: '1' },
          { recTypeName: 'user', recId: '2' },
        ],
      });
      const service = createMergeService({ store });
      const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });

      expect(merge.state).to.equal('applied');
      expect(merge.moved.identifiers).to.have.length(2);
      expect(merge.moved.attributes).to.have.length(1);
      expect(merge.moved.attributeConflicts).to.deep.equal([
        { source: source.toHexString(), key: 'team', sourceValue: 'blue', targetValue: 'red' },
      ]);
      expect(merge.moved.links).to.have.length(1);
      expect(merge.moved.linkConflicts).to.have.length(1);
      expect(merge.moved.emailClaims).to.have.length(1);

      const state = (await snapshot(store, organisation)) as Record<string, any>;
      expect(state[source.toHexString()]).to.deep.equal({
        mergedInto: target.toHexString(),
        identifiers: [],
        attributes: [],
        links: [],
        claims: [],
      });
      const onTarget = state[target.toHexString()];
      expect(onTarget.identifiers).to.have.length(3);
      expect(onTarget.attributes.map((entry: string) => entry.split(' ')[1]).sort()).to.deep.equal([
        'employeeNumber=E7',
        'level=3',
        'team=red',
      ]);
      expect(onTarget.links.map((entry: string) => entry.split(' ')[1]).sort()).to.deep.equal(['user/1', 'user/2']);
      expect(onTarget.claims).to.include(sha1('mailto:ann.b@example.org'));
    });

    it('keeps tombstone chains one hop long when a merge target is merged again', async () => {
      const { store } = temp;
      const [a, b, c] = [
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
      ];
      const service = createMergeService({ store });
      await service.mergePersonas({ organisation, targetId: b, sourceIds: [a], actor: 'tester' });
      const second = await service.mergePersonas({ organisation, targetId: c, sourceIds: [b], actor: 'tester' });
      const personas = store.collection(COLLECTIONS.personas);
      expect((await personas.findOne({ _id: a }))!.mergedInto.toHexString()).to.equal(c.toHexString());
      expect((await personas.findOne({ _id: b }))!.mergedInto.toHexString()).to.equal(c.toHexString());
      expect(second.moved.tombstones).to.deep.equal([{ id: a.toHexString(), source: b.toHexString() }]);
    });

    it('refuses a merge into itself, into a tombstone, of a tombstone, across organisations and of unknown ids', async () => {
      const { store } = temp;
      const service = createMergeService({ store });
      const [a, b, c] = [
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
      ];
      const foreign = await seedPersona(store, new ObjectId());
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: a, sourceIds: [a], actor: 't' }),
        'merges.merge_into_itself',
        400,
      );
      await expectRefusal(service.mergePersonas({ organisation, targetId: a, sourceIds: [], actor: 't' }), 'merges.no_sources', 422);
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: a, sourceIds: [foreign], actor: 't' }),
        'personas.persona_not_found',
        404,
      );
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: foreign, sourceIds: [a], actor: 't' }),
        'personas.persona_not_found',
        404,
      );
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: a, sourceIds: [new ObjectId()], actor: 't' }),
        'personas.persona_not_found',
        404,
      );
      await service.mergePersonas({ organisation, targetId: b, sourceIds: [a], actor: 't' });
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: a, sourceIds: [c], actor: 't' }),
        'merges.target_is_tombstone',
        409,
      );
      await expectRefusal(
        service.mergePersonas({ organisation, targetId: c, sourceIds: [a], actor: 't' }),
        'merges.source_is_tombstone',
        409,
      );
      // Nothing moved for any refused merge: a is still a tombstone of b, c is live.
      expect((await store.collection(COLLECTIONS.personas).findOne({ _id: c }))!.mergedInto).to.equal(undefined);
    });

    it('undo restores exactly what each source had; identifiers created on the target after the merge stay there', async () => {
      const { store } = temp;
      const target = await seedPersona(store, organisation, {
        identifiers: [openid('http://id.example.org/t')],
        attributes: { team: 'red' },
      });
      const first = await seedPersona(store, organisation, {
        identifiers: [mbox('x@example.org'), mboxSha1('y@example.org')],
        attributes: { team: 'blue' },
        links: [{ recTypeName: 'u', recId: '1' }],
      });
      const second = await seedPersona(store, organisation, {
        identifiers: [account('http://a.example.org', 'x')],
        attributes: { grade: 'A' },
      });
      const before = await snapshot(store, organisation);
      const service = createMergeService({ store });
      const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [first, second], actor: 'tester' });
      const later = await seedIdentifier(store, organisation, target, openid('http://id.example.org/later'));

      const undone = await service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'tester' });
      expect(undone.state).to.equal('undone');
      const after = (await snapshot(store, organisation)) as Record<string, any>;
      const expected = structuredClone(before) as Record<string, any>;
      expected[target.toHexString()].identifiers = [
        ...expected[target.toHexString()].identifiers,
        `${later.toHexString()} openid|http://id.example.org/later`,
      ].sort();
      expect(after).to.deep.equal(expected);
      await expectRefusal(
        service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 'tester' }),
        'merges.merge_not_applied',
        409,
      );
    });

    it('undo answers 409 naming what moved since the merge, and changes nothing', async () => {
      const { store } = temp;
      const target = await seedPersona(store, organisation);
      const source = await seedPersona(store, organisation, {
        identifiers: [openid('http://id.example.org/1'), openid('http://id.example.org/2')],
      });
      const other = await seedPersona(store, organisation);
      const service = createMergeService({ store });
      const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
      const moved = merge.moved.identifiers[0].id;
      await store.collection(COLLECTIONS.identifiers).updateOne({ _id: new ObjectId(moved) }, { $set: { persona: other } });
      const before = await snapshot(store, organisation);
      const error = await expectRefusal(
        service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 't' }),
        'merges.undo_conflict',
        409,
      );
      expect(error.details).to.deep.equal([
        {
          path: `identifiers.${moved}`,
          code: 'merges.item_moved',
          message: `identifier ${moved} is now on persona ${other.toHexString()}`,
        },
      ]);
      expect(await snapshot(store, organisation)).to.deep.equal(before);
    });

    it('a refused undo names at most LISTED_UNDO_CONFLICTS changes and counts the rest', async () => {
      const { store } = temp;
      const target = await seedPersona(store, organisation);
      const identifiers = Array.from({ length: LISTED_UNDO_CONFLICTS + 7 }, (_, n) => openid(`http://id.example.org/many/${n}`));
      const source = await seedPersona(store, organisation, { identifiers });
      const service = createMergeService({ store });
      const merge = await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: 'tester' });
      await store.collection(COLLECTIONS.identifiers).deleteMany({ organisation, persona: target });
      const error = await expectRefusal(
        service.undoMerge({ organisation, mergeId: new ObjectId(merge.id), actor: 't' }),
        'merges.undo_conflict',
        409,
      );
      expect(error.message).to.contain(`${identifiers.length} item(s) changed`);
      expect(error.details).to.have.length(LISTED_UNDO_CONFLICTS + 1);
      expect(error.details!.slice(0, LISTED_UNDO_CONFLICTS).every((detail) => detail.code === 'merges.item_deleted')).to.equal(true);
      expect(error.details![LISTED_UNDO_CONFLICTS]).to.deep.equal({
        path: 'conflicts',
        code: 'merges.more_conflicts',
        message: '7 more changed item(s) not listed',
      });
    });

    it('undo of a merge whose target was merged again answers 409', async () => {
      const { store } = temp;
      const [a, b, c] = [
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
        await seedPersona(store, organisation),
      ];
      const service = createMergeService({ store });
      const first = await service.mergePersonas({ organisation, targetId: b, sourceIds: [a], actor: 't' });
      await service.mergePersonas({ organisation, targetId: c, sourceIds: [b], actor: 't' });
      const error = await expectRefusal(
        service.undoMerge({ organisation, mergeId: new ObjectId(first.id), actor: 't' }),
        'merges.undo_conflict',
        409,
      );
      expect(error.details.map((detail) => detail.path)).to.include('target');
    });

    it("lists the history newest first, filtered by persona, paginated, and never another organisation's", async () => {
      const { store } = temp;
      const service = createMergeService({ store });
      const target = await seedPersona(store, organisation);
      const sources = [];
      for (let index = 0; index < 3; index += 1) {
        const source = await seedPersona(store, organisation);
        sources.push(source);
        await service.mergePersonas({ organisation, targetId: target, sourceIds: [source], actor: `actor${index}` });
      }
      const elsewhere = new ObjectId();
      await service.mergePersonas({
        organisation: elsewhere,
        targetId: await seedPersona(store, elsewhere),
        sourceIds: [await seedPersona(store, elsewhere)],
        actor: 'x',
      });
      const all = await service.listMerges({ organisation, limit: 2 });
      expect(all.total).to.equal(3);
      expect(all.data.map((merge) => merge.actor)).to.deep.equal(['actor2', 'actor1']);
      const next = await service.listMerges({ organisation, limit: 2, offset: 2 });
      expect(next.data.map((merge) => merge.actor)).to.deep.equal(['actor0']);
      const bySource = await service.listMerges({ organisation, persona: sources[1] });
      expect(bySource.data.map((merge) => merge.actor)).to.deep.equal(['actor1']);
      expect((await service.listMerges({ organisation, persona: target })).total).to.equal(3);
    });
  });
}
