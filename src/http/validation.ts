// Request validation with zod: a failed parse becomes 422 `<resource>.failed_to_validate` with one detail per issue.
// Schemas name their problems with registered codes as issue messages (`personas.name_required`); issues without
// one get a generic code (`validation.required`, `validation.unknown_field`, ...). Paths read `items[2].ifi.value`.
import { z } from 'zod';
import { detail, validationFailed, type ErrorDetail } from '../core/errors/api-error.ts';
import { isRegisteredCode, type BodyResource } from '../core/errors/error-registry.ts';

export function renderPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let text = prefix;
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** Per-parse error map: names "missing" apart from "wrong type" (schema-level messages take precedence). */
const genericErrors: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'validation.required';
  return undefined;
};

export function issuesToDetails(issues: z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return issues.flatMap((issue): ErrorDetail[] => {
    const path = renderPath(issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => detail(renderPath([...issue.path, key], prefix), 'validation.unknown_field'));
    }
    if (isRegisteredCode(issue.message)) {
      const reason = (issue as { params?: { reason?: string } }).params?.reason;
      return [reason ? { path, code: issue.message, message: reason } : detail(path, issue.message, { reason: issue.code })];
    }
    if (issue.code === 'invalid_type') return [detail(path, 'validation.invalid_type', { reason: issue.message })];
    return [detail(path, 'validation.invalid_value', { reason: issue.message })];
  });
}

/** Parses or throws 422 `<resource>.failed_to_validate`. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, resource: BodyResource, prefix = ''): z.output<S> {
  const result = schema.safeParse(input, { error: genericErrors });
  if (result.success) return result.data;
  throw validationFailed(resource, issuesToDetails(result.error.issues, prefix));
}
