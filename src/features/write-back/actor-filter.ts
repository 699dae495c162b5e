// Learning Locker's statements of one actor: the filter of its IFI and the index that serves it. Shared by the
// back-fill jobs and the identifier-delete guard (ifi-statements.ts), which runs in processes without the queue.
import type { Ifi } from '../../domain/model.ts';
import type { Filter, IndexKeys } from '../../store/port.ts';
import { BACKFILL_INDEX_KEYS } from './write-back-indexes.ts';

/** Learning Locker's actor filter for an IFI (compat spec 2.2 step 2), and the index that serves it. */
export function actorFilter(ifi: Ifi): { filter: Filter; index: IndexKeys } {
  switch (ifi.key) {
    case 'mbox':
      return { filter: { 'statement.actor.mbox': ifi.value }, index: BACKFILL_INDEX_KEYS.mbox };
    case 'mbox_sha1sum':
      return { filter: { 'statement.actor.mbox_sha1sum': ifi.value }, index: BACKFILL_INDEX_KEYS.mbox_sha1sum };
    case 'openid':
      return { filter: { 'statement.actor.openid': ifi.value }, index: BACKFILL_INDEX_KEYS.openid };
    case 'account':
      return {
        filter: { 'statement.actor.account.homePage': ifi.value.homePage, 'statement.actor.account.name': ifi.value.name },
        index: BACKFILL_INDEX_KEYS.account,
      };
  }
}
