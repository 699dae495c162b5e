// The name policy (issue 15): which of the names seen for a persona is its display name. Per organisation; `first`
// (the default) keeps Learning Locker's behaviour, where a persona keeps the name it was created with; `manual`
// never renames anything by itself. A rename through the API pins that persona's name whatever the policy.
export const NAME_POLICIES = ['first', 'latest', 'most_frequent', 'manual'] as const;
export type NamePolicy = (typeof NAME_POLICIES)[number];
export const DEFAULT_NAME_POLICY: NamePolicy = 'first';

export interface NameStats {
  name: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** The name the policy picks from a persona's seen names, or null to leave its name as it is. Ties: deterministic. */
export function chooseDisplayName(policy: NamePolicy, names: readonly NameStats[]): string | null {
  if (policy === 'manual' || names.length === 0) return null;
  const better = BETTER[policy];
  return names.reduce((best, candidate) => (better(candidate, best) ? candidate : best)).name;
}

type Comparison = (candidate: NameStats, best: NameStats) => boolean;
const byName: Comparison = (candidate, best) => candidate.name < best.name;
const earlier: Comparison = (candidate, best) =>
  candidate.firstSeen < best.firstSeen || (candidate.firstSeen.getTime() === best.firstSeen.getTime() && byName(candidate, best));
const later: Comparison = (candidate, best) =>
  candidate.lastSeen > best.lastSeen ||
  (candidate.lastSeen.getTime() === best.lastSeen.getTime() &&
    (candidate.count > best.count || (candidate.count === best.count && byName(candidate, best))));
const BETTER: Record<Exclude<NamePolicy, 'manual'>, Comparison> = {
  first: earlier,
  latest: later,
  most_frequent: (candidate, best) => candidate.count > best.count || (candidate.count === best.count && later(candidate, best)),
};
