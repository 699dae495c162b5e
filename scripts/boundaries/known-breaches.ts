// Breaches of the architecture that are known and still to be removed (issue 13), each with why it is still here.
// The check ignores these and fails on any other; it also fails when a listed one is gone, so the list only shrinks.
export const KNOWN_BREACHES: Record<string, string> = {
  // The persona slices: routes embed each other's schemas, services share persona-guard, the resolver creates
  // personas. To go: each slice's public index.ts, and the shared guard/schemas in a slice of their own.
  'unit-cycle: src/features/resolver -> src/features/personas': 'the resolver reads persona states (persona-lookup)',
  'unit-cycle: src/features/personas -> src/features/resolver': 'persona-person resolves an agent through the resolver',
  'unit-cycle: src/features/personas -> src/features/attributes': 'personas.routes embeds the attribute schemas',
  'unit-cycle: src/features/personas -> src/features/identifiers': 'personas.routes embeds the identifier schemas',
  'unit-cycle: src/features/personas -> src/features/links': 'personas.routes embeds the link schemas',
  'unit-cycle: src/features/attributes -> src/features/personas': 'attributes.service uses persona-guard',
  'unit-cycle: src/features/attributes -> src/features/identifiers': 'attributes.schemas reuses the IFI schema',
  'unit-cycle: src/features/identifiers -> src/features/personas': 'identifiers.service uses persona-guard',
  'unit-cycle: src/features/identifiers -> src/features/resolver': 'identifiers.service claims emails (email-claims)',
  'unit-cycle: src/features/links -> src/features/personas': 'links.service uses persona-guard',
  'unit-cycle: src/features/links -> src/features/identifiers': 'links.schemas reuses the identifier schemas',
  // Cycles between slices that came in with the branches merged beside the architecture work (search, pseudonyms,
  // doctor, guard rails, erasure): each names the import that closes it. To go with each slice's index.ts and a
  // workflows layer for the cross-slice work (erasure, merges, exports).
  'unit-cycle: src/features/erasure -> src/features/duplicates':
    "merged from a branch built beside the new core (src/features/erasure/erasure.service.ts -> src/features/duplicates/duplicate-pairs.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/erasure -> src/features/imports':
    "merged from a branch built beside the new core (src/features/erasure/erasure.service.ts -> src/features/imports/import-error-traces.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/erasure -> src/features/merges':
    "merged from a branch built beside the new core (src/features/erasure/erasure.routes.ts -> src/features/merges/merges.schemas.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/erasure -> src/features/pseudonyms':
    "merged from a branch built beside the new core (src/features/erasure/erasure.routes.ts -> src/features/pseudonyms/pseudonymised-query.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/erasure -> src/features/personas':
    "merged from a branch built beside the new core (src/features/erasure/erasure.routes.ts -> src/features/personas/persona-guard.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/duplicates -> src/features/identifiers':
    "merged from a branch built beside the new core (src/features/duplicates/duplicates.routes.ts -> src/features/identifiers/identifiers.schemas.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/duplicates -> src/features/merges':
    "merged from a branch built beside the new core (src/features/duplicates/duplicates.service.ts -> src/features/merges/merge.service.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/duplicates -> src/features/personas':
    "merged from a branch built beside the new core (src/features/duplicates/duplicates.routes.ts -> src/features/personas/persona-guard.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/imports -> src/features/resolver':
    "merged from a branch built beside the new core (src/features/imports/import-batch.ts -> src/features/resolver/email-claims.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/imports -> src/features/merges':
    "merged from a branch built beside the new core (src/features/imports/imports.routes.ts -> src/features/merges/merges.routes.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/imports -> src/features/personas':
    "merged from a branch built beside the new core (src/features/imports/import-batch.ts -> src/features/personas/persona-lookup.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/merges -> src/features/pseudonyms':
    "merged from a branch built beside the new core (src/features/merges/identity-write-back.ts -> src/features/pseudonyms/pseudonym-displays.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/merges -> src/features/write-back':
    "merged from a branch built beside the new core (src/features/merges/identity-write-back.ts -> src/features/write-back/write-back-target.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/merges -> src/features/identifiers':
    "merged from a branch built beside the new core (src/features/merges/merges.schemas.ts -> src/features/identifiers/identifiers.schemas.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/pseudonyms -> src/features/personas':
    "merged from a branch built beside the new core (src/features/pseudonyms/pseudonyms.routes.ts -> src/features/personas/persona-lookup.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/pseudonyms -> src/features/erasure':
    "merged from a branch built beside the new core (src/features/pseudonyms/pseudonymised-export.ts -> src/features/erasure/erasure.service.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/write-back -> src/features/pseudonyms':
    "merged from a branch built beside the new core (src/features/write-back/statement-backfill.ts -> src/features/pseudonyms/pseudonym-displays.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/write-back -> src/features/personas':
    "merged from a branch built beside the new core (src/features/write-back/statement-backfill.ts -> src/features/personas/persona-lookup.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/personas -> src/features/search':
    "merged from a branch built beside the new core (src/features/personas/persona-filters.ts -> src/features/search/search-tokens.ts); to go with the slices' index.ts and the workflows layer",
  'unit-cycle: src/features/search -> src/features/duplicates':
    "merged from a branch built beside the new core (src/features/search/search-page.ts -> src/features/duplicates/duplicate-index.ts); to go with the slices' index.ts and the workflows layer",
};
