// Sentences for merges: what a dry run says will move (the preview the admin confirms) and why an undo was refused
// (the details of merges.undo_conflict). Pure (unit-tested in test/admin/).
import type { ErrorDetail } from '../api/api-error.ts';
import { identifierText, IDENTIFIER_KINDS, type IfiLike } from './display-name.ts';

export interface PreviewLike {
  movedCounts: { identifiers: number; attributes: number; links: number; emailClaims: number; tombstones: number };
  moved: {
    identifiers: Array<{ id: string; source: string }>;
    attributeConflicts: Array<{ source: string; key: string; sourceValue?: unknown; targetValue?: unknown }>;
    linkConflicts: Array<{ source: string; recTypeName: string; recId: string }>;
  };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const valueText = (value: unknown): string => (typeof value === 'string' ? `“${value}”` : JSON.stringify(value));

/** One line per kind that moves (nothing for kinds with nothing to move). */
export function movedSummary(preview: PreviewLike): string[] {
  const { identifiers, attributes, links, emailClaims, tombstones } = preview.movedCounts;
  return [
    identifiers && `${plural(identifiers, 'identifier moves', 'identifiers move')}`,
    attributes && `${plural(attributes, 'attribute moves', 'attributes move')}`,
    links && `${plural(links, 'link moves', 'links move')}`,
    emailClaims && `${plural(emailClaims, 'email claim moves', 'email claims move')}`,
    tombstones && `${plural(tombstones, 'earlier merged person now points', 'earlier merged people now point')} to the person kept`,
  ].filter((line): line is string => Boolean(line));
}

/** The moving identifiers named by kind and value (the sources' identifiers are known to the screen). */
export function movedIdentifierLines(preview: PreviewLike, known: Map<string, IfiLike>): string[] {
  return preview.moved.identifiers.map(({ id }) => {
    const ifi = known.get(id);
    return ifi ? `${IDENTIFIER_KINDS[ifi.key] ?? ifi.key}: ${identifierText(ifi)}` : `identifier ${id}`;
  });
}

/** Attribute keys both have: the person kept keeps its value; the other is recorded and comes back on undo. */
export function conflictLines(preview: PreviewLike): string[] {
  return [
    ...preview.moved.attributeConflicts.map(
      (conflict) =>
        `${conflict.key}: keeps ${valueText(conflict.targetValue)}; ${valueText(conflict.sourceValue)} is dropped (restored by undo)`,
    ),
    ...preview.moved.linkConflicts.map(
      (conflict) =>
        `link ${conflict.recTypeName} ${conflict.recId}: already on the person kept; the duplicate is dropped (restored by undo)`,
    ),
  ];
}

const UNDO_REASONS: Record<string, string> = {
  'merges.item_moved': 'was moved to another person after the merge, so it cannot go back without taking it from there',
  'merges.item_deleted': 'was deleted after the merge, so the person cannot be restored as it was',
  'merges.persona_changed': 'no longer points to the person kept (it was merged, erased or changed again)',
};

const KINDS: Record<string, string> = {
  identifiers: 'An identifier',
  attributes: 'An attribute',
  links: 'A link',
  emailClaims: 'The email claim (address to SHA-1 link)',
  sources: 'A merged person',
  tombstones: 'An earlier merged person',
};

/**
 * Each change that blocks an undo, in words (the item named by `describe` when the screen knows it, e.g. an
 * identifier's value), with the service's code kept for support.
 */
export function undoConflictLines(details: ErrorDetail[], describe: (id: string) => string | undefined = () => undefined): string[] {
  return details.map((detail) => {
    const reason = UNDO_REASONS[detail.code];
    if (!reason) return `${detail.message} (${detail.code})`;
    const [kind, id = ''] = detail.path.split('.');
    const what = describe(id) ? `${KINDS[kind] ?? 'An item'} (${describe(id)})` : `${KINDS[kind] ?? 'An item'} ${id}`;
    return `${what} ${reason} (${detail.code})`;
  });
}

/** Ids of the identifiers an undo refusal names (the screen looks them up to show their values), at most 100. */
export function conflictIdentifierIds(details: ErrorDetail[]): string[] {
  return details
    .filter((detail) => detail.path.startsWith('identifiers.'))
    .map((detail) => detail.path.slice('identifiers.'.length))
    .slice(0, 100);
}
