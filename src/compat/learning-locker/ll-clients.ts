// Learning Locker database mode: LL's API clients (collection `client`, compat spec 6.1) become our API clients, so
// existing dashboards and scripts keep their Basic `key:secret` unchanged. The secret LL keeps in clear text is stored
// here only as our scrypt hash; LL's documents are read, never changed. Scopes map as spec 6.3 grants them:
// `all` → every persona scope plus statement intake; the xAPI write scopes → statement intake; others → nothing.
import type { ObjectId } from 'bson';
import { COLLECTIONS, type ClientDoc, type Scope } from '../../domain/model.ts';
import { hashSecret, verifySecret } from '../../features/clients/secret-hash.ts';
import type { Store } from '../../store/port.ts';

export const LL_CLIENT_COLLECTION = 'client';

const SCOPE_MAP: Record<string, readonly Scope[]> = {
  all: ['statements:write', 'personas:read', 'personas:write', 'personas:merge'],
  'xapi/all': ['statements:write'],
  'statements/write': ['statements:write'],
};

export interface LlClientImportReport {
  clientsImported: number;
  clientsUpdated: number;
  /** Untrusted (`isTrusted: false`), without key/secret, or with no scope that grants anything here. */
  clientsSkipped: Array<{ id: string; reason: string }>;
}

interface LlClientDoc {
  _id: ObjectId;
  organisation?: ObjectId;
  title?: string;
  isTrusted?: boolean;
  scopes?: string[];
  api?: { basic_key?: string; basic_secret?: string };
  createdAt?: Date;
}

export function mapLlScopes(scopes: readonly string[] | undefined): Scope[] {
  return [...new Set((scopes ?? []).flatMap((scope) => SCOPE_MAP[scope] ?? []))];
}

/** Idempotent: a client already imported keeps its hash unless LL's secret changed; revoked ones stay revoked. */
export async function importLearningLockerClients(store: Store): Promise<LlClientImportReport> {
  const ours = store.collection<ClientDoc>(COLLECTIONS.clients);
  const report: LlClientImportReport = { clientsImported: 0, clientsUpdated: 0, clientsSkipped: [] };
  for await (const client of store.collection<LlClientDoc>(LL_CLIENT_COLLECTION).iterate({}, { sort: { _id: 1 } })) {
    const id = client._id.toHexString();
    const key = client.api?.basic_key;
    const secret = client.api?.basic_secret;
    const scopes = mapLlScopes(client.scopes);
    const reason =
      client.isTrusted === false
        ? 'not trusted (isTrusted: false)'
        : !key || !secret
          ? 'no api.basic_key / api.basic_secret'
          : !client.organisation
            ? 'no organisation'
            : scopes.length === 0
              ? `no scope usable here (${(client.scopes ?? []).join(', ') || 'none'})`
              : null;
    if (reason) {
      report.clientsSkipped.push({ id, reason });
      continue;
    }
    const existing = await ours.findOne({ _id: client._id });
    if (
      existing &&
      existing.key === key &&
      (await verifySecret(secret as string, existing.secretHash)) &&
      existing.scopes.join() === scopes.join()
    )
      continue;
    const fields = {
      organisation: client.organisation as ObjectId,
      title: client.title ?? 'Learning Locker client',
      key: key as string,
      secretHash: await hashSecret(secret as string),
      scopes,
    };
    if (existing) {
      await ours.updateOne({ _id: client._id }, { $set: fields });
      report.clientsUpdated += 1;
    } else {
      await ours.insertOne({ _id: client._id, ...fields, createdAt: client.createdAt ?? client._id.getTimestamp() });
      report.clientsImported += 1;
    }
  }
  return report;
}
