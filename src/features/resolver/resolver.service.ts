// The resolver: turns xAPI statements into identifiers and personas of one organisation. Statements are validated
// one by one (a bad one is rejected with the path of the problem and writes nothing); the agents of the good ones are
// resolved per batch by identifier-resolution.ts.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ObjectId } from 'bson';
import type { Config } from '../../config.ts';
import { COLLECTIONS, type IdentifierDoc } from '../../domain/model.ts';
import {
  canonicalIdentifierKey,
  countAgents,
  extractAgents,
  STATEMENT_ERROR_CODES,
  toStoredIfi,
  validateIfi,
  validateStatement,
  type ExtractedAgent,
} from '../../domain/xapi/index.ts';
import type { Store } from '../../store/port.ts';
import type { NamePolicy } from '../../domain/name-policy.ts';
import { recordBlockedIdentifiers } from '../identity-rules/blocked-tally.ts';
import { compiledGuard } from '../identity-rules/guard.ts';
import { readIdentityRules } from '../identity-rules/identity-rules.service.ts';
import { applyNamePolicy, type OnRenamed } from '../names/name-policy.ts';
import { recordNames, type NameSighting } from '../names/persona-names.ts';
import { lookupPersonaStates } from '../personas/persona-lookup.ts';
import { resolveIdentifiers, type IdentifierRequest } from './identifier-resolution.ts';
import type { IdentityCache } from './identity-cache.ts';
import {
  addResult,
  emptyCounts,
  emptyResult,
  type BlockedAgent,
  type ResolutionResult,
  type ResolvedAgent,
  type StatementResult,
} from '../../core/resolution-result.ts';
import { isJsonObject } from '../../domain/plain-object.ts';

export interface ResolverOptions {
  /** Resolve the statement's authority too (usually the LRS client, not a learner). Always validated. */
  includeAuthority: boolean;
  /** mbox and mbox_sha1sum of one address resolve to one persona. */
  linkMboxSha1sum: boolean;
  /** Statements (and agents) per store round-trip group; larger arrays are resolved in several batches. */
  batchSize?: number;
  /** A statement naming more identities than this is rejected (statements.too_many_agents). */
  maxAgentsPerStatement?: number;
}

export const DEFAULT_MAX_AGENTS_PER_STATEMENT = 1000;

/** The resolver options the configuration gives (API, workers and the ingest command alike). */
export function resolverOptionsOf(config: Config, batchSize = config.RESOLVER_BATCH_SIZE): ResolverOptions {
  return {
    includeAuthority: config.RESOLVE_AUTHORITY,
    linkMboxSha1sum: config.LINK_MBOX_SHA1SUM,
    batchSize,
    maxAgentsPerStatement: config.MAX_AGENTS_PER_STATEMENT,
  };
}

export interface AgentLookup {
  personaId: ObjectId;
  identifierId: ObjectId;
}

export interface Resolver {
  resolveStatements(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult>;
  /** Read-only: the persona of each agent, or null when unknown or not a valid agent. */
  lookupAgents(organisation: ObjectId, agents: unknown[]): Promise<Array<AgentLookup | null>>;
}

export interface ResolverDependencies {
  store: Store;
  options: ResolverOptions;
  /** A persona the organisation's name policy renamed (statement write-back re-stamps it, as after an API rename). */
  onRenamed?: OnRenamed;
  /** Bulk resolution (`persona ingest`): repeat learners answered without a store read (identity-cache.ts). */
  identityCache?: IdentityCache;
}

export function createResolver({ store, options, onRenamed, identityCache }: ResolverDependencies): Resolver {
  const batchSize = options.batchSize ?? 1000;
  const maxAgents = options.maxAgentsPerStatement ?? DEFAULT_MAX_AGENTS_PER_STATEMENT;

  async function resolveBatch(organisation: ObjectId, statements: unknown[]): Promise<ResolutionResult> {
    const counts = emptyCounts();
    const extracted = statements.map((statement) => extractValidAgents(statement, options.includeAuthority, maxAgents));
    const rules = await readIdentityRules(store, organisation);
    const guard = compiledGuard(rules);
    const requests = new Map<string, IdentifierRequest>();
    // Blocked identifiers are never requested: they create and link nothing (one rule check per distinct identifier).
    const blockedBy = new Map<string, string | null>();
    for (const entry of extracted) {
      for (const agent of entry.agents ?? []) {
        if (!blockedBy.has(agent.canonicalKey)) blockedBy.set(agent.canonicalKey, guard.blockingRule(agent.ifi));
        if (blockedBy.get(agent.canonicalKey) === null && !requests.has(agent.canonicalKey)) {
          requests.set(agent.canonicalKey, { canonicalKey: agent.canonicalKey, ifi: agent.ifi, personaName: agent.name });
        }
      }
    }
    const resolution = await resolveIdentifiers(
      { store, organisation, linkMboxSha1sum: options.linkMboxSha1sum, now: new Date(), cache: identityCache },
      [...requests.values()],
    );
    await recordNamesOfBatch(organisation, extracted, resolution.byKey, rules.namePolicy);
    counts.identifiersCreated = resolution.identifiersCreated;
    counts.personasCreated = resolution.personasCreated;
    const reported = new Set<string>();
    let blockedAgents = 0;
    const results = extracted.map(({ statementId, error, agents }): StatementResult => {
      if (error) {
        counts.rejected += 1;
        return { statementId, status: 'rejected', error, agents: [] };
      }
      counts.resolved += 1;
      const blocked: BlockedAgent[] = [];
      const resolved: ResolvedAgent[] = [];
      for (const agent of agents!) {
        const rule = blockedBy.get(agent.canonicalKey);
        if (rule) {
          blocked.push({ role: agent.role, path: agent.path, ifi: agent.ifi, status: 'blocked', rule });
          blockedAgents += 1;
          continue;
        }
        const identifier = resolution.byKey.get(agent.canonicalKey)!;
        // An identifier created by this call counts as created for its first occurrence only.
        const created = identifier.wasCreated && !reported.has(agent.canonicalKey);
        reported.add(agent.canonicalKey);
        resolved.push({
          role: agent.role,
          path: agent.path,
          ifi: agent.ifi,
          identifierId: identifier.identifierId.toHexString(),
          personaId: identifier.personaId.toHexString(),
          created,
        });
      }
      return { statementId, status: 'resolved', error: null, agents: resolved, ...(blocked.length > 0 ? { blocked } : {}) };
    });
    // Each blocked agent of a resolved statement is a refused identifier for identity health (one upsert per batch).
    await recordBlockedIdentifiers(store, organisation, blockedAgents);
    return { results, counts, createdPersonaIds: resolution.createdPersonaIds.map((id) => id.toHexString()) };
  }

  /**
   * The batch's agent names in one bulk upsert (summed per persona and name; not flushed on its own, see
   * recordNames); then, when the organisation's name policy follows the names (latest, most_frequent), the personas
   * named are renamed where it now picks another name.
   */
  async function recordNamesOfBatch(
    organisation: ObjectId,
    extracted: ExtractedStatement[],
    byKey: Map<string, { personaId: ObjectId }>,
    namePolicy: NamePolicy,
  ): Promise<void> {
    const now = new Date();
    const sightings: NameSighting[] = [];
    for (const entry of extracted) {
      const seenAt = sightingTime(entry.timestamp, now);
      for (const agent of entry.agents ?? []) {
        const identifier = byKey.get(agent.canonicalKey);
        if (agent.ownName !== null && identifier) sightings.push({ persona: identifier.personaId, name: agent.ownName, count: 1, seenAt });
      }
    }
    if (sightings.length === 0) return;
    await recordNames(store, organisation, sightings);
    // `first` is the name a persona was created with (Learning Locker's rule): a batch never changes it.
    if (namePolicy === 'latest' || namePolicy === 'most_frequent') {
      const personas = [...new Map(sightings.map((sighting) => [sighting.persona.toHexString(), sighting.persona])).values()];
      await applyNamePolicy({ store, organisation, policy: namePolicy, onRenamed }, personas);
    }
  }

  return {
    async resolveStatements(organisation, statements) {
      const total = emptyResult();
      for (const batch of batchesOf(statements, batchSize, options.includeAuthority)) {
        addResult(total, await resolveBatch(organisation, batch));
        // The embedded store answers synchronously: without this turn, a large request would hold the event loop
        // (and every other client, /health included) until its last batch.
        await nextTurn();
      }
      return total;
    },

    async lookupAgents(organisation, agents) {
      const keys = agents.map((agent) => canonicalKeyOfAgent(agent));
      const wanted = keys.filter((key): key is string => key !== null);
      const documents =
        wanted.length === 0
          ? []
          : await store
              .collection<IdentifierDoc>(COLLECTIONS.identifiers)
              .find({ organisation, canonicalKey: { $in: wanted } }, { projection: { _id: 1, persona: 1, canonicalKey: 1 } });
      const byKey = new Map(documents.map((document) => [document.canonicalKey, document]));
      const states = await lookupPersonaStates(
        store,
        organisation,
        documents.map((document) => document.persona),
      );
      return keys.map((key) => {
        const identifier = key === null ? undefined : byKey.get(key);
        const state = identifier && states.get(identifier.persona.toHexString());
        return identifier && state ? { personaId: state.liveId, identifierId: identifier._id } : null;
      });
    },
  };
}

interface ExtractedStatement {
  statementId: string | null;
  /** The statement's `timestamp` (validated), when it has one: when its agents were seen under their names. */
  timestamp?: string;
  error: { code: string; message: string; path: string } | null;
  agents: ExtractedAgent[] | null;
}

/**
 * Consecutive groups of at most `batchSize` statements naming at most `batchSize` identities together (a statement
 * with more identities goes alone), so one group's resolution stays short whatever the shape of the statements.
 */
function* batchesOf(statements: unknown[], batchSize: number, includeAuthority: boolean): Generator<unknown[]> {
  let batch: unknown[] = [];
  let agents = 0;
  for (const statement of statements) {
    const count = countAgents(statement, { includeAuthority });
    if (batch.length > 0 && (batch.length >= batchSize || agents + count > batchSize)) {
      yield batch;
      batch = [];
      agents = 0;
    }
    batch.push(statement);
    agents += count;
  }
  if (batch.length > 0) yield batch;
}

function extractValidAgents(statement: unknown, includeAuthority: boolean, maxAgents: number): ExtractedStatement {
  const statementId = isJsonObject(statement) && typeof statement.id === 'string' ? statement.id : null;
  const error = validateStatement(statement);
  if (error) return { statementId, error, agents: null };
  const agents = extractAgents(statement as Record<string, any>, { includeAuthority });
  if (agents.length > maxAgents) {
    // Named by where the limit was crossed: the member list (`context.team.member`) or the part holding it.
    const path = agents[maxAgents].path.replace(/\[\d+\]$/, '');
    const message = `names ${agents.length} agents and groups; at most ${maxAgents} per statement (MAX_AGENTS_PER_STATEMENT)`;
    return { statementId, error: { code: STATEMENT_ERROR_CODES.tooManyAgents, path, message }, agents: null };
  }
  const { timestamp } = statement as Record<string, unknown>;
  return { statementId, error: null, agents, timestamp: typeof timestamp === 'string' ? timestamp : undefined };
}

/**
 * When a name was seen: the statement's timestamp (so `latest` follows the learner's own order within a batch and
 * across replays), never later than now (a clock ahead must not pin a name as the latest for ever).
 */
function sightingTime(timestamp: string | undefined, now: Date): Date {
  const time = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(time) || time > now.getTime() ? now : new Date(time);
}

function canonicalKeyOfAgent(agent: unknown): string | null {
  if (!isJsonObject(agent)) return null;
  try {
    const ifi = toStoredIfi(agent);
    return validateIfi(ifi) ? null : canonicalIdentifierKey(ifi);
  } catch {
    return null;
  }
}
