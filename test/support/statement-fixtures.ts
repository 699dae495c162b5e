// Test-only builders for small valid statements that one test then breaks in exactly one place. Each call returns
// a fresh object, so tests may mutate what they get.

export const ACTIVITY_ID = 'http://example.com/activities/1';
export const STATEMENT_REF_ID = '6690e6c9-3ef0-4ed3-8b37-7f3964730bee';

export function agent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { objectType: 'Agent', name: 'Alice', mbox: 'mailto:alice@example.com', ...overrides };
}

export function anonymousGroup(
  members: unknown[] = [agent(), agent({ name: 'Bob', mbox: 'mailto:bob@example.com' })],
): Record<string, unknown> {
  return { objectType: 'Group', name: 'Anonymous', member: members };
}

export function identifiedGroup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    objectType: 'Group',
    name: 'Team 1',
    mbox: 'mailto:team-1@example.com',
    member: [agent({ name: 'Carol', mbox: 'mailto:carol@example.com' })],
    ...overrides,
  };
}

export function statement(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    actor: agent(),
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-US': 'attended' } },
    object: { objectType: 'Activity', id: ACTIVITY_ID },
    ...overrides,
  };
}

export function subStatement(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    objectType: 'SubStatement',
    actor: agent({ name: 'Sub', mbox: 'mailto:sub@example.com' }),
    verb: { id: 'http://adlnet.gov/expapi/verbs/reported' },
    object: { objectType: 'Activity', id: ACTIVITY_ID },
    ...overrides,
  };
}

export function oauthAuthority(): Record<string, unknown> {
  return {
    objectType: 'Group',
    member: [
      { account: { homePage: 'http://example.com/xAPI/OAuth/Token', name: 'oauth_consumer_x75db' } },
      { mbox: 'mailto:bob@example.com' },
    ],
  };
}
