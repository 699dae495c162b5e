// Public API of the pure xAPI domain: statement validation, agent extraction, canonical identifier keys, persona
// names and the Person object. Features import from here, never from the files behind it.
export { STATEMENT_ERROR_CODES, type StatementErrorCode } from './errors.ts';
export { validateStatement, type StatementError } from './statement-validation.ts';
export { validateIfi } from './ifi-validation.ts';
export { canonicalIdentifierKey, canonicalMbox, hasIfi, mboxSha1sums, toStoredIfi } from './canonical-identifier.ts';
export { displayNameOf, MAX_PERSONA_NAME_LENGTH, personaNameFor, readableIdentifier, seenName } from './persona-name.ts';
export { isSha1Hex, isUuid, withMailto } from './iri-uuid-timestamp.ts';
export { validateAgentOrGroup } from './agent-validation.ts';
export { countAgents, extractAgents, type AgentRole, type ExtractedAgent } from './agent-extraction.ts';
export { toPersonObject, type PersonObject } from './person-object.ts';
