// Statement write-back for changes made through the persona and identifier services (/v1, Learning Locker's routes,
// /crud) when write-back and the queue are on: a rename queues a `person.display` refresh (compat spec 2.3), an
// identifier created or moved queues the back-fill of its IFI (spec 2.2). Both run as background jobs.
import type { IdentifierDoc, PersonaDoc } from '../../domain/model.ts';
import type { Ifi } from '../../domain/model.ts';
import type { IfiHasStatements } from './ifi-statements.ts';

/** What write-back publishes to the queue (queue/queue-runtime.ts implements it); a null member: write-back is off. */
export interface WriteBackPublisher {
  restampPersona: ((organisation: string, fromId: string, toId: string) => Promise<void>) | null;
  backfillIdentifier:
    ((organisation: string, identifier: { identifierId: string; personaId: string; ifi: Ifi; moved: boolean }) => Promise<void>) | null;
}

export interface ServiceWriteBackHooks {
  onRenamed?: (persona: PersonaDoc) => Promise<void>;
  onAssigned?: (identifier: IdentifierDoc, change: 'created' | 'moved') => Promise<void>;
  /** Write-back on (with or without the queue): identifier deletes are refused while statements have the IFI. */
  ifiHasStatements?: IfiHasStatements;
}

/**
 * No hooks when write-back or the queue is off. A queueing failure is logged, not thrown: the change is stored
 * already, and an error answer would invite a retry that, changing nothing, would queue nothing either.
 */
export function serviceWriteBackHooks(
  queue: WriteBackPublisher | null,
  logger: { warn(object: object, message?: string): void },
): ServiceWriteBackHooks {
  const restamp = queue?.restampPersona;
  const backfill = queue?.backfillIdentifier;
  return {
    onRenamed: restamp
      ? async (persona) => {
          const id = persona._id.toHexString();
          await restamp(persona.organisation.toHexString(), id, id).catch((error: Error) => {
            logger.warn({ persona: id, err: error.message }, 'write-back: rename re-stamp not queued');
          });
        }
      : undefined,
    onAssigned: backfill
      ? async (identifier, change) => {
          await backfill(identifier.organisation.toHexString(), {
            identifierId: identifier._id.toHexString(),
            personaId: identifier.persona.toHexString(),
            ifi: identifier.ifi,
            moved: change === 'moved',
          }).catch((error: Error) => {
            logger.warn({ identifier: identifier._id.toHexString(), err: error.message }, 'write-back: identifier back-fill not queued');
          });
        }
      : undefined,
  };
}
