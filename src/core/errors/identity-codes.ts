// Codes of the identity-management services (merges, duplicates, imports, erasure), with their /v1 status.
/** Every code the identity services throw, with its status (spread into the one registry, error-registry.ts; their message is
// the throw site's, so the template is `{message}`). */
export const IDENTITY_ERROR_CODES = {
  'personas.persona_not_found': 404,
  'merges.merge_not_found': 404,
  'merges.no_sources': 422,
  'merges.merge_into_itself': 400,
  'merges.target_is_tombstone': 409,
  'merges.source_is_tombstone': 409,
  'merges.merge_in_progress': 409,
  'merges.merge_not_applied': 409,
  'merges.undo_conflict': 409,
  'imports.import_not_found': 404,
  'imports.invalid_mapping': 422,
  'imports.malformed_csv': 400,
  'duplicates.invalid_pair': 422,
  'duplicates.auto_merge_off': 409,
  // Path ids of the identity routes that are not 24-hex ids.
  'merges.invalid_merge_id': 400,
  'imports.invalid_import_id': 400,
  // Multipart problems of POST /v1/imports.
  'imports.file_required': 400,
  'imports.file_too_large': 413,
  // Back-pressure: IMPORTS_MAX_RUNNING imports already run in this process (Retry-After); nothing was received.
  'imports.busy': 503,
  // Codes of a row of an import's dry run (import-dry-run.ts): a row the mapping refuses, a row whose identifiers
  // belong to different personas (without mergeConflicts).
  'imports.invalid_row': 422,
  'imports.row_conflict': 409,
  // Codes used only inside the details of a 409 merges.undo_conflict (merge-undo.ts).
  'merges.persona_gone': 409,
  'merges.persona_merged_again': 409,
  'merges.persona_changed': 409,
  'merges.item_moved': 409,
  'merges.item_deleted': 409,
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERROR_CODES;
