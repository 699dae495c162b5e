// Budgets of secret checks, so that guessing a client's secret costs the guesser, not the service or the client.
// Keys are not secret (they appear in logs and configs), and every check of an unknown secret runs scrypt, which is
// deliberately expensive. Two budgets per window: attempts on one key from one client address, and attempts from one
// address over all keys. An attempt is counted when it is admitted, before its scrypt starts, so guesses sent in
// parallel spend the budget as surely as sequential ones; a right secret gives its attempt back (and clears the
// key's count for that address). The budget is per address, never per key alone: an attacker hammering a key from
// its own addresses spends only its own budgets, and the client presenting the right secret from another address is
// still checked and let in.

export interface SecretCheckAttempt {
  /** The secret was right: the attempt does not count. */
  succeeded(): void;
}

export interface FailedSecretThrottle {
  /** Admits one check of `key`'s secret from `address`, or answers null when a budget is spent (do not run scrypt). */
  admit(key: string, address: string): SecretCheckAttempt | null;
}

export interface FailedSecretThrottleOptions {
  /** Checks of one key from one address per window. */
  perKeyAndAddress: number;
  /** Checks from one address over all keys per window. */
  perAddress: number;
  windowMs: number;
  now: () => number;
}

/** Buckets are forgotten oldest first beyond this many, so a flood of addresses cannot grow memory without bound. */
const MAX_BUCKETS = 10_000;

class AttemptBudget {
  private readonly buckets = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  hasRoom(bucket: string): boolean {
    const entry = this.buckets.get(bucket);
    if (!entry) return true;
    if (this.now() - entry.since >= this.windowMs) {
      this.buckets.delete(bucket);
      return true;
    }
    return entry.count < this.limit;
  }

  take(bucket: string): void {
    const entry = this.buckets.get(bucket);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(bucket, { count: 1, since: this.now() });
  }

  giveBack(bucket: string): void {
    const entry = this.buckets.get(bucket);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  clear(bucket: string): void {
    this.buckets.delete(bucket);
  }
}

export function createFailedSecretThrottle(options: FailedSecretThrottleOptions): FailedSecretThrottle {
  const perKeyAndAddress = new AttemptBudget(options.perKeyAndAddress, options.windowMs, options.now);
  const perAddress = new AttemptBudget(options.perAddress, options.windowMs, options.now);
  return {
    admit(key, address) {
      const keyAndAddress = JSON.stringify([key, address]);
      if (!perKeyAndAddress.hasRoom(keyAndAddress) || !perAddress.hasRoom(address)) return null;
      perKeyAndAddress.take(keyAndAddress);
      perAddress.take(address);
      return {
        succeeded() {
          perKeyAndAddress.clear(keyAndAddress);
          perAddress.giveBack(address);
        },
      };
    },
  };
}
