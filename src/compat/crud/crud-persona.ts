// The persona object of the `/crud/personas` surface (seed 000): its descriptive fields live, under the same names,
// in the persona's `profile`, so they round-trip exactly and `/v1` shows them too; `project_id` is the organisation.
// Input validation names the field and the reason (`[2].demographics: must be a JSON object`).
import type { PersonaDoc } from '../../domain/model.ts';
import { MAX_PERSONA_NAME_LENGTH } from '../../domain/xapi/index.ts';
import { CompatError, type CompatErrorDetail } from '../../core/errors/compat-error.ts';
import type { ErrorCode } from '../../core/errors/error-registry.ts';
import { isObjectIdText } from '../../domain/object-id-text.ts';

export const TEXT_FIELDS = ['user_role', 'tagline', 'avatar_description'] as const;
export const JSON_FIELDS = [
  'demographics',
  'psychographics',
  'behavioral_patterns',
  'goals_and_needs',
  'pain_points',
  'narrative',
] as const;
export const DESCRIPTIVE_FIELDS = [...TEXT_FIELDS, ...JSON_FIELDS] as const;
const KNOWN_FIELDS = new Set<string>(['id', 'project_id', 'name', ...DESCRIPTIVE_FIELDS, 'created_at', 'updated_at']);
export const MAX_NAME_LENGTH = MAX_PERSONA_NAME_LENGTH;

export interface CrudPersonaInput {
  id?: string;
  project_id?: string;
  name?: string;
  /** Only the descriptive fields present in the request (null clears one). */
  profile: Record<string, unknown>;
}

export function crudPersonaJson(persona: PersonaDoc): Record<string, unknown> {
  const profile = persona.profile ?? {};
  const json: Record<string, unknown> = {
    id: persona._id.toHexString(),
    project_id: persona.organisation.toHexString(),
    name: persona.name ?? null,
  };
  for (const field of DESCRIPTIVE_FIELDS) json[field] = Object.hasOwn(profile, field) ? profile[field] : null;
  json.created_at = persona.createdAt.toISOString();
  json.updated_at = (persona.updatedAt ?? persona.createdAt).toISOString();
  return json;
}

/** An error of /crud: its status is the registry's /crud column; the message joins the details unless given. */
export function crudError(code: ErrorCode, details: CompatErrorDetail[], message?: string): CompatError {
  return new CompatError(code, message ?? details.map((detail) => `${detail.path}: ${detail.message}`).join('; '), details, 'crud');
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks one body item; `prefix` is `` for a single object and `[i]` in a batch. */
export function parseCrudPersona(raw: unknown, prefix: string, mode: 'create' | 'update'): CrudPersonaInput {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const problems: CompatErrorDetail[] = [];
  const problem = (field: string, message: string) => problems.push({ path: at(field), code: 'crud.invalid_persona', message });
  if (!isObject(raw))
    throw crudError('crud.invalid_persona', [{ path: prefix || 'body', code: 'crud.invalid_persona', message: 'must be a JSON object' }]);
  for (const key of Object.keys(raw)) if (!KNOWN_FIELDS.has(key)) problem(key, 'is not a persona field');
  const input: CrudPersonaInput = { profile: {} };
  if (mode === 'update') {
    if (!isObjectIdText(raw.id))
      problem('id', raw.id === undefined ? 'is required in the body' : 'must be a persona id (24 hex characters)');
    else input.id = raw.id;
  }
  if (raw.project_id !== undefined) {
    if (typeof raw.project_id !== 'string') problem('project_id', 'must be a string');
    else input.project_id = raw.project_id;
  }
  if (raw.name === undefined) {
    if (mode === 'create') problem('name', 'is required');
  } else if (typeof raw.name !== 'string' || raw.name.trim() === '') problem('name', 'must be a non-empty string');
  else if (raw.name.length > MAX_NAME_LENGTH) problem('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  else input.name = raw.name;
  for (const field of TEXT_FIELDS) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') problem(field, 'must be a string or null');
    else input.profile[field] = value;
  }
  for (const field of JSON_FIELDS) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && !isObject(value)) problem(field, 'must be a JSON object or null');
    else input.profile[field] = value;
  }
  if (problems.length) throw crudError('crud.invalid_persona', problems);
  return input;
}

/** Descriptive fields merged at the top level: a given field replaces the stored one whole; null removes it. */
export function mergedProfile(current: Record<string, unknown> | undefined, given: Record<string, unknown>): Record<string, unknown> {
  const profile: Record<string, unknown> = { ...(current ?? {}) };
  for (const [field, value] of Object.entries(given)) {
    if (value === null) delete profile[field];
    else profile[field] = value;
  }
  return profile;
}
