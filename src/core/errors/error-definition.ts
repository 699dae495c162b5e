// The shape of one registered error code (error-registry.ts): its message template and its status per surface.

/** The surfaces that render errors: native `/v1` (and /xapi), Learning Locker's `/api`, and `/crud`. */
export type Surface = 'v1' | 'll' | 'crud';

export interface ErrorDefinition {
  /** The status on /v1 (and on the other surfaces unless they name their own). */
  status: number;
  message: string;
  /** The status on Learning Locker's /api where it differs (LL answers validation failures with 400, not 422). */
  ll?: number;
  /** The status on /crud where it differs from LL's. */
  crud?: number;
}
