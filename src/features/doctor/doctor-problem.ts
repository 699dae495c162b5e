// One finding of `persona doctor`: a stable code (the README's Reliability section lists them), where it is, what is
// wrong, and whether --repair fixed it.
export type DoctorCode =
  | 'index.entry_missing'
  | 'index.entry_stale'
  | 'index.unique_conflict'
  | 'identifier.orphan'
  | 'identifier.on_tombstone'
  | 'identifier.duplicate'
  | 'tombstone.broken_chain'
  | 'attribute.duplicate_key'
  | 'merge.half_applied';

export interface DoctorProblem {
  code: DoctorCode;
  collection: string;
  /** Hex `_id` of the document concerned (for index problems: the hex of its encoded `_id`). */
  id: string;
  organisation?: string;
  message: string;
  repaired: boolean;
}
