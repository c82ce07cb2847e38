// A signing secret with an overlap: after a rotation the new secret signs and verifies, and the
// previous one keeps verifying (and outbound requests carry its signature too) until its time
// is up, so the other side can switch at its own pace. Standard Webhooks allows several
// space-separated signatures in one header for exactly this.
export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 7 * 24;

export interface RotatingSecret {
  secret: string | null;
  previous_secret?: string | null;
  /** When the previous secret stops being valid (ms since the epoch). */
  previous_until?: number | null;
}

/** The secrets valid at `now`: the current one first, then the previous during its overlap. */
export function validSecrets(rotating: RotatingSecret, now: number): string[] {
  const secrets = rotating.secret ? [rotating.secret] : [];
  if (rotating.previous_secret && rotating.previous_until && rotating.previous_until > now) secrets.push(rotating.previous_secret);
  return secrets;
}

/** `next` becomes the secret; the current one stays valid for `overlapHours` (none: it ends now). */
export function rotate(rotating: RotatingSecret, next: string, now: number, overlapHours: number): Required<RotatingSecret> {
  const keep = rotating.secret !== null && overlapHours > 0;
  return { secret: next, previous_secret: keep ? rotating.secret : null, previous_until: keep ? now + overlapHours * 3600_000 : null };
}

/** When the previous secret expires, as the API shows it (null when there is none, or it has expired). */
export function previousExpiry(rotating: RotatingSecret, now: number): string | null {
  return rotating.previous_secret && rotating.previous_until && rotating.previous_until > now ? new Date(rotating.previous_until).toISOString() : null;
}
