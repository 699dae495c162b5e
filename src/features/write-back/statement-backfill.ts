// Back-fill of older statements, as background jobs on the `<QUEUE_NAME>-backfill` queue (queue/backfill-queue.ts), never on the ingest path
// (Learning Locker's unindexed updateMany per new learner is its defect 10):
//   identifier — stamp every statement of the organisation whose actor has the identifier's IFI (compat spec 2.2);
//   persona    — re-point statements stamped with persona `fromId` to `toId` and refresh `display` (spec 2.3).
// Each job walks an index in _id order in steps of `batchSize`, records the last _id in the job data after each
// step (a retried or re-run job resumes there) and sleeps so that it stamps at most `ratePerSecond` statements/s.
import { UnrecoverableError, type Job } from 'bullmq';
import { ObjectId } from 'bson';
import type { Ifi } from '../../domain/model.ts';
import type { Collection, Filter, IndexKeys, Store } from '../../store/port.ts';
import { resolveLivePersonaId } from '../personas/persona-lookup.ts';
import { personaDisplays } from './statement-stamping.ts';
import type { WriteBackPerson } from '../pseudonyms/pseudonym-displays.ts';
import { PERSON_BACKFILL_INDEX_KEYS } from './write-back-indexes.ts';
import { actorFilter } from './actor-filter.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';

export type BackfillJobData =
  | {
      kind: 'identifier';
      organisation: string;
      identifierId: string;
      personaId: string;
      ifi: Ifi;
      movedAt?: string;
      after?: string;
      stamped?: number;
    }
  | { kind: 'persona'; organisation: string; fromId: string; toId: string; after?: string; stamped?: number };

export interface BackfillDependencies {
  store: Store;
  statements: Collection;
  batchSize: number;
  ratePerSecond: number;
  /** What `person.display` holds (WRITE_BACK_PERSON); the name by default. */
  person?: WriteBackPerson;
  sleep?: (ms: number) => Promise<void>;
}

export function createBackfillProcessor(dependencies: BackfillDependencies) {
  const sleep = dependencies.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (job: Job<BackfillJobData>): Promise<{ stamped: number }> => {
    const data = job.data;
    if (!isObjectIdText(data?.organisation)) throw new UnrecoverableError('back-fill job without a valid organisation');
    const organisation = new ObjectId(data.organisation);
    const plan = await planOf(dependencies.store, organisation, data, dependencies.person);
    if (!plan) return { stamped: data.stamped ?? 0 };
    let after = data.after ? new ObjectId(data.after) : null;
    let stamped = data.stamped ?? 0;
    for (;;) {
      const started = Date.now();
      const page = await dependencies.statements.find(
        { organisation, ...plan.filter, ...(after ? { _id: { $gt: after } } : {}) },
        { sort: { _id: 1 }, limit: dependencies.batchSize, projection: { _id: 1 }, hint: plan.index },
      );
      if (page.length > 0) {
        const written = await dependencies.statements.bulkWrite(
          [{ updateMany: { filter: { _id: { $in: page.map((statement) => statement._id) }, organisation }, update: { $set: plan.set } } }],
          { ordered: false },
        );
        stamped += written.matchedCount;
        after = page[page.length - 1]._id as ObjectId;
        await job.updateData({ ...data, after: after.toHexString(), stamped });
      }
      if (page.length < dependencies.batchSize) return { stamped };
      const budgetMs = (page.length / dependencies.ratePerSecond) * 1000;
      const elapsed = Date.now() - started;
      if (budgetMs > elapsed) await sleep(budgetMs - elapsed);
    }
  };
}

async function planOf(
  store: Store,
  organisation: ObjectId,
  data: BackfillJobData,
  person?: WriteBackPerson,
): Promise<{ filter: Filter; index: IndexKeys; set: Record<string, unknown> } | null> {
  if (data.kind === 'identifier') {
    // The identifier may have moved to another persona (a merge) since the job was queued: stamp the live one.
    const live = await resolveLivePersonaId(store, organisation, new ObjectId(data.personaId));
    if (!live) return null;
    const display = (await personaDisplays(store, organisation, [live.toHexString()], person)).get(live.toHexString()) ?? null;
    const { filter, index } = actorFilter(data.ifi);
    return { filter, index, set: { personaIdentifier: new ObjectId(data.identifierId), person: { _id: live, display } } };
  }
  const target = new ObjectId(data.toId);
  const display = (await personaDisplays(store, organisation, [data.toId], person)).get(data.toId) ?? null;
  return {
    filter: { 'person._id': new ObjectId(data.fromId) },
    index: PERSON_BACKFILL_INDEX_KEYS,
    set: { 'person._id': target, 'person.display': display },
  };
}
