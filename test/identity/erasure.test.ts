// GDPR export and erasure: the export holds everything stored about a persona; after erasure no collection holds
// the erased identifiers, names or attribute values (not even merge history or the duplicate index), and the audit
// log records that an erasure happened without any of the erased data.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ObjectId } from 'bson';
import { COLLECTIONS } from '../../src/domain/model.ts';
import { createDuplicatesService } from '../../src/features/duplicates/duplicates.service.ts';
import { DUPLICATE_KEYS_COLLECTION, LEGACY_DUPLICATE_KEYS_COLLECTION } from '../../src/features/duplicates/duplicate-keys.ts';
import { DUPLICATE_PAIRS_COLLECTION } from '../../src/features/duplicates/duplicate-pairs.ts';
import { createErasureService } from '../../src/features/erasure/erasure.service.ts';
import { IMPORT_ERRORS_COLLECTION } from '../../src/features/imports/import-error-traces.ts';
import { createImportService } from '../../src/features/imports/imports.service.ts';
import { MERGE_MOVES_COLLECTION } from '../../src/features/merges/merge-moves.ts';
import { ApiError } from '../../src/core/errors/api-error.ts';
import { createMergeService } from '../../src/features/merges/merge.service.ts';
import { makeTempDir, openTempEmbeddedStore, type TempStore } from '../support/temp-store.ts';
import { account, mbox, seedPersona, sha1 } from './support/seed.ts';

const SECRETS = ['erin@example.org', sha1('mailto:erin@example.org'), 'erin-lms', 'B-99-erin', 'Erin Secret', 'Old Erin'];

async function everything(temp: TempStore): Promise<string> {
  const names = [
    ...Object.values(COLLECTIONS),
    DUPLICATE_KEYS_COLLECTION,
    LEGACY_DUPLICATE_KEYS_COLLECTION,
    DUPLICATE_PAIRS_COLLECTION,
    'personaDuplicateIndexState',
    MERGE_MOVES_COLLECTION,
    IMPORT_ERRORS_COLLECTION,
  ];
  const dumps = await Promise.all(names.map(async (name) => JSON.stringify(await temp.store.collection(name).find({}))));
  return dumps.join('\n');
}

describe('export and erasure', () => {
  let temp: TempStore;
  const organisation = new ObjectId();
  beforeEach(async () => {
    temp = await openTempEmbeddedStore();
  });
  afterEach(async () => {
    await temp.close();
  });

  async function seedErin() {
    const { store } = temp;
    const erin = await seedPersona(store, organisation, {
      name: 'Erin Secret',
      identifiers: [mbox('erin@example.org')],
      attributes: { employeeNumber: 'E-4711', team: 'red', badge: 'B-99-erin' },
      links: [{ recTypeName: 'user', recId: 'u-1' }],
    });
    const old = await seedPersona(store, organisation, {
      name: 'Old Erin',
      identifiers: [account('http://lms.example.org', 'erin-lms')],
      attributes: { team: 'blue' },
    });
    const bystander = await seedPersona(store, organisation, {
      name: 'Bystander',
      identifiers: [mbox('by@example.org')],
      attributes: { employeeNumber: 'E-4711' },
    });
    await createMergeService({ store }).mergePersonas({ organisation, targetId: erin, sourceIds: [old], actor: 'admin' });
    await createDuplicatesService({ store, identifyingAttributes: ['employeeNumber'] }).listDuplicates(organisation);
    // Failing import rows keep their columns: two name Erin (one by her address's SHA-1), one only the bystander.
    const csv = join(makeTempDir('erasure-import-'), 'rows.csv');
    writeFileSync(
      csv,
      [
        'email,other',
        'erin@example.org,not an address',
        `by@example.org,${sha1('mailto:erin@example.org')}`,
        'by@example.org,also not an address',
      ].join('\n'),
    );
    const imports = createImportService({ store, mergeService: createMergeService({ store }) });
    const { done } = await imports.startImport({
      organisation,
      filePath: csv,
      mapping: { columns: { email: { type: 'mbox' }, other: { type: 'mbox_sha1sum' } } },
      actor: 'hr',
    });
    expect((await done).counts).to.include({ errors: 2, conflicts: 1 });
    return { erin, old, bystander };
  }

  it('exports identifiers, attributes, links, claims, merged personas and merge history as one document', async () => {
    const { erin, old } = await seedErin();
    const exported = await createErasureService({ store: temp.store }).exportPersona(organisation, erin);
    expect(exported.persona).to.include({ id: erin.toHexString(), name: 'Erin Secret' });
    expect(exported.identifiers.map((entry) => entry.ifi)).to.deep.equal([
      { key: 'mbox', value: 'mailto:erin@example.org' },
      { key: 'account', value: { homePage: 'http://lms.example.org', name: 'erin-lms' } },
    ]);
    expect(exported.attributes.map((entry) => `${entry.key}=${entry.value}`).sort()).to.deep.equal([
      'badge=B-99-erin',
      'employeeNumber=E-4711',
      'team=red',
    ]);
    expect(exported.links.map((entry) => entry.recId)).to.deep.equal(['u-1']);
    expect(exported.emailClaims).to.deep.equal([{ sha1: sha1('mailto:erin@example.org') }]);
    expect(exported.mergedPersonas).to.deep.equal([{ id: old.toHexString(), name: 'Old Erin' }]);
    expect(exported.merges).to.have.length(1);
    expect(exported.merges[0].moved.attributeConflicts).to.deep.equal([
      { source: old.toHexString(), key: 'team', sourceValue: 'blue', targetValue: 'red' },
    ]);
  });

  it('erases everything identifying, keeps other personas, and audits without the erased data', async () => {
    const { erin, old, bystander } = await seedErin();
    expect(await everything(temp)).to.include('erin@example.org');
    const service = createErasureService({ store: temp.store });
    const report = await service.erasePersona({ organisation, personaId: erin, actor: 'dpo' });
    expect(report.counts).to.deep.equal({ personas: 2, identifiers: 2, emailClaims: 1, attributes: 3, links: 1, mergeRecords: 1 });

    const dump = await everything(temp);
    for (const secret of SECRETS) expect(dump, secret).to.not.include(secret);
    for (const id of [erin, old]) {
      try {
        await service.exportPersona(organisation, id);
        expect.fail('export of an erased persona');
      } catch (error) {
        expect((error as ApiError).code).to.equal('personas.persona_not_found');
      }
    }
    const audit = await temp.store.collection(COLLECTIONS.audit).find({ organisation });
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ action: 'persona.erased', actor: 'dpo' });
    expect(
      await createDuplicatesService({ store: temp.store, identifyingAttributes: ['employeeNumber'] }).listDuplicates(organisation),
    ).to.deep.equal([]);
    expect((await service.exportPersona(organisation, bystander)).identifiers).to.have.length(1);
    expect((await temp.store.collection(IMPORT_ERRORS_COLLECTION).find({ organisation })).map((row) => row.data.other)).to.deep.equal([
      'also not an address',
    ]);
  });

  it("refuses to erase an unknown persona, another organisation's, or a tombstone", async () => {
    const { old } = await seedErin();
    const service = createErasureService({ store: temp.store });
    for (const [personaId, org, code] of [
      [new ObjectId(), organisation, 'personas.persona_not_found'],
      [old, new ObjectId(), 'personas.persona_not_found'],
      [old, organisation, 'merges.source_is_tombstone'],
    ] as const) {
      try {
        await service.erasePersona({ organisation: org, personaId, actor: 'dpo' });
        expect.fail('erased');
      } catch (error) {
        expect((error as ApiError).code).to.equal(code);
      }
    }
  });
});
