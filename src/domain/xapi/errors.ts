// The one registry of statement-rejection codes (xapi-agents.md section 4). Codes are stable strings that clients and
// the HTTP error mapping may rely on; messages are free text naming the rule, paths name where it broke.

export const STATEMENT_ERROR_CODES = {
  /** Not a JSON object, a property outside the allowed list, a required part missing, or a null outside extensions. */
  invalidStatement: 'statements.invalid_statement',
  /** An Agent breaks section 1: wrong type or objectType, extra properties, bad name, zero or several IFIs. */
  invalidAgent: 'statements.invalid_agent',
  /** A Group breaks section 2: extra properties, several IFIs, anonymous without members, bad member list. */
  invalidGroup: 'statements.invalid_group',
  /** One inverse functional identifier has a malformed value (mbox, mbox_sha1sum, openid, account). */
  invalidIfi: 'statements.invalid_ifi',
  /** `authority` is neither an Agent nor the anonymous two-Agent OAuth group. */
  invalidAuthority: 'statements.invalid_authority',
  /** `context` breaks its rules: properties, registration, team, statement, revision/platform, 2.0 context agents. */
  invalidContext: 'statements.invalid_context',
  /** `verb` is not an object with an IRI `id`. */
  invalidVerb: 'statements.invalid_verb',
  /** `object` has an unknown objectType, an Activity without IRI id, a bad StatementRef or SubStatement, or a voiding verb without a StatementRef. */
  invalidObject: 'statements.invalid_object',
  /** `id`, `timestamp`, `stored` or `version` has a malformed value. */
  invalidEnvelope: 'statements.invalid_envelope',
  /** More identities (Agents, identified Groups, members) than MAX_AGENTS_PER_STATEMENT: valid xAPI, refused here. */
  tooManyAgents: 'statements.too_many_agents',
} as const;

export type StatementErrorCode = (typeof STATEMENT_ERROR_CODES)[keyof typeof STATEMENT_ERROR_CODES];

/** The first problem found in a statement: which rule (`code`), where (`path`), and a sentence naming the rule. */
export type StatementError = { code: string; path: string; message: string };

export function statementError(code: StatementErrorCode, path: string, message: string): StatementError {
  return { code, path, message };
}

/** A short rendering of an offending value for messages (never the whole document). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
