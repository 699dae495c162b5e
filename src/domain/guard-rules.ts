// Identity guard rails (issue 15): which identifiers are junk (blocked values) and how many identifiers of a kind one
// persona may hold (limits, unique kinds). Pure: the features read an organisation's rules, compile them once and
// ask `blockingRule` of each identifier and `limitBreach` of each persona a change would produce. Every rule is
// named by its path in the rules document (`blocked.values[2]`, `limits[0]`, `blocked.defaults.test_address`), so a
// refusal or a blocked agent says exactly which rule to switch off. Patterns run on RE2 (linear time whatever the
// input) after the same safety check as filters (user-regex.ts), so a rule can never stall resolution.
import { RE2JS } from 're2js';
import type { Ifi, IfiKey } from './model.ts';
import { canonicalMbox, mboxSha1sums } from './xapi/canonical-identifier.ts';
import { re2Flags } from './user-regex.ts';

export const IFI_KINDS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const satisfies readonly IfiKey[];

/** The junk every LRS sees, on unless an organisation switches one off (by leaving it out of `blocked.defaults`). */
export const DEFAULT_BLOCKS = ['blank_account_name', 'zero_id', 'placeholder_name', 'test_address', 'noreply_address'] as const;
export type DefaultBlock = (typeof DEFAULT_BLOCKS)[number];

const PLACEHOLDER_WORDS = new Set(['anonymous', 'unknown', 'null', 'undefined']);
const TEST_ADDRESSES = ['mailto:test@test.com'];
const TEST_ADDRESS_SHA1S = new Set(TEST_ADDRESSES.flatMap(mboxSha1sums));

/** What each default block matches (account names; mbox local parts; the SHA-1 of a test address). */
const DEFAULT_MATCHERS: Record<DefaultBlock, (ifi: Ifi) => boolean> = {
  blank_account_name: (ifi) => ifi.key === 'account' && ifi.value.name.trim() === '',
  zero_id: (ifi) => ifi.key === 'account' && /^\s*(?:0+|-1)\s*$/.test(ifi.value.name),
  placeholder_name: (ifi) =>
    (ifi.key === 'account' && PLACEHOLDER_WORDS.has(ifi.value.name.trim().toLowerCase())) ||
    (ifi.key === 'mbox' && PLACEHOLDER_WORDS.has(localPart(ifi.value).toLowerCase())),
  test_address: (ifi) =>
    (ifi.key === 'mbox' && TEST_ADDRESSES.includes(canonicalMbox(ifi.value).toLowerCase())) ||
    (ifi.key === 'mbox_sha1sum' && TEST_ADDRESS_SHA1S.has(ifi.value.toLowerCase())),
  noreply_address: (ifi) => ifi.key === 'mbox' && /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)$/i.test(localPart(ifi.value)),
};

export interface BlockedValue {
  kind: IfiKey;
  /** The value as an xAPI agent carries it: an address (`mailto:…`), a SHA-1, an OpenID URL, an account name. */
  value: string;
  /** Accounts only: the rule applies to this homePage alone (absent: every homePage). */
  homePage?: string;
}

export interface BlockedPattern {
  kind: IfiKey;
  pattern: string;
  /** MongoDB-style options among i, m, s. */
  flags?: string;
  homePage?: string;
}

export interface KindLimit {
  kind: IfiKey;
  max: number;
  /** Accounts only: count this homePage's accounts alone. */
  homePage?: string;
  /** Accounts only: the limit holds for each homePage separately (`max: 1, perHomePage: true`: one account per homePage). */
  perHomePage?: boolean;
}

export interface UniqueKind {
  kind: IfiKey;
  homePage?: string;
}

export interface GuardRules {
  blocked: { defaults: DefaultBlock[]; values: BlockedValue[]; patterns: BlockedPattern[] };
  limits: KindLimit[];
  /** A persona holds at most one identifier of each of these: personas holding one each are never merged. */
  unique: UniqueKind[];
}

export const DEFAULT_GUARD_RULES: GuardRules = {
  blocked: { defaults: [...DEFAULT_BLOCKS], values: [], patterns: [] },
  limits: [],
  unique: [],
};

export interface CompiledGuardRules {
  /** The rule that blocks this identifier (its path in the rules), or null. */
  blockingRule(ifi: Ifi): string | null;
  /**
   * The first limit or unique kind that a persona holding exactly `ifis` breaks, or null. With `before` (what it
   * held before a change), only a breach the change makes worse counts: data that broke a rule before it was saved
   * does not block unrelated changes.
   */
  limitBreach(ifis: readonly Ifi[], before?: readonly Ifi[]): LimitBreach | null;
  /** True when some limit or unique kind exists (callers skip reading a persona's identifiers otherwise). */
  hasLimits: boolean;
}

export interface LimitBreach {
  /** `limits[i]` or `unique[i]`. */
  rule: string;
  code: 'rules.limit_exceeded' | 'rules.unique_kind';
  kind: IfiKey;
  homePage?: string;
  max: number;
  count: number;
}

/** The value a blocked value or pattern of its kind is compared with. */
function matchedValue(ifi: Ifi): string {
  if (ifi.key === 'account') return ifi.value.name;
  if (ifi.key === 'mbox') return canonicalMbox(ifi.value);
  if (ifi.key === 'mbox_sha1sum') return ifi.value.toLowerCase();
  return ifi.value;
}

function comparableValue(rule: BlockedValue): string {
  if (rule.kind === 'mbox') return canonicalMbox(rule.value);
  if (rule.kind === 'mbox_sha1sum') return rule.value.toLowerCase();
  return rule.value;
}

function localPart(mbox: string): string {
  const colon = mbox.indexOf(':');
  const at = mbox.lastIndexOf('@');
  return mbox.slice(colon + 1, at > colon ? at : undefined).trim();
}

const homePageMatches = (homePage: string | undefined, ifi: Ifi) =>
  homePage === undefined || (ifi.key === 'account' && ifi.value.homePage === homePage);

export function compileGuardRules(rules: GuardRules): CompiledGuardRules {
  // Exact values by kind and compared value: one Map lookup per identifier, whatever the number of rules.
  const exact = new Map<string, Array<{ rule: string; homePage?: string }>>();
  rules.blocked.values.forEach((entry, index) => {
    const keys = [`${entry.kind}|${comparableValue(entry)}`];
    // A blocked address blocks its SHA-1 too: the same junk arrives hashed.
    if (entry.kind === 'mbox') keys.push(...mboxSha1sums(entry.value).map((sha1) => `mbox_sha1sum|${sha1}`));
    for (const key of keys) exact.set(key, [...(exact.get(key) ?? []), { rule: `blocked.values[${index}]`, homePage: entry.homePage }]);
  });
  const patterns = rules.blocked.patterns.map((entry, index) => ({
    rule: `blocked.patterns[${index}]`,
    kind: entry.kind,
    homePage: entry.homePage,
    matcher: RE2JS.compile(entry.pattern, re2Flags(entry.flags ?? '')),
  }));
  const defaults = rules.blocked.defaults.map((name) => ({ rule: `blocked.defaults.${name}`, matches: DEFAULT_MATCHERS[name] }));
  const counted: CountedRule[] = [
    ...rules.limits.map((limit, index) => ({ ...limit, rule: `limits[${index}]`, code: 'rules.limit_exceeded' as const })),
    ...rules.unique.map((entry, index) => ({
      ...entry,
      max: 1,
      perHomePage: false,
      rule: `unique[${index}]`,
      code: 'rules.unique_kind' as const,
    })),
  ];

  return {
    hasLimits: counted.length > 0,
    blockingRule(ifi) {
      for (const { rule, matches } of defaults) if (matches(ifi)) return rule;
      const value = matchedValue(ifi);
      const hit = exact.get(`${ifi.key}|${value}`)?.find((entry) => homePageMatches(entry.homePage, ifi));
      if (hit) return hit.rule;
      for (const pattern of patterns) {
        if (pattern.kind === ifi.key && homePageMatches(pattern.homePage, ifi) && pattern.matcher.matcher(value).find())
          return pattern.rule;
      }
      return null;
    },
    limitBreach(ifis, before) {
      const earlier = before ? breachesOf(counted, before) : [];
      return (
        breachesOf(counted, ifis).find(
          (breach) => !earlier.some((old) => old.rule === breach.rule && old.homePage === breach.homePage && old.count >= breach.count),
        ) ?? null
      );
    },
  };
}

type CountedRule = KindLimit & { rule: string; code: LimitBreach['code'] };

function breachesOf(counted: CountedRule[], ifis: readonly Ifi[]): LimitBreach[] {
  const breaches: LimitBreach[] = [];
  for (const limit of counted) {
    const held = ifis.filter((ifi) => ifi.key === limit.kind && homePageMatches(limit.homePage, ifi));
    const counts = limit.perHomePage
      ? countBy(held, (ifi) => (ifi.key === 'account' ? ifi.value.homePage : ''))
      : new Map([[limit.homePage ?? '', held.length]]);
    for (const [homePage, count] of counts) {
      if (count > limit.max)
        breaches.push({ rule: limit.rule, code: limit.code, kind: limit.kind, homePage: homePage || undefined, max: limit.max, count });
    }
  }
  return breaches;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}

/** One sentence naming a breach, for refusals and reports. */
export function describeBreach(breach: LimitBreach): string {
  const what = `${breach.kind} identifiers${breach.homePage ? ` of ${breach.homePage}` : ''}`;
  return breach.code === 'rules.unique_kind'
    ? `${breach.count} ${what}, which rule ${breach.rule} makes unique per persona`
    : `${breach.count} ${what}; rule ${breach.rule} allows at most ${breach.max}`;
}
