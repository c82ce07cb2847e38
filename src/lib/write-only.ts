// Write-only secrets (provider tokens, header values, signing secrets): clients see them
// masked and send the mask back to keep one. A kept secret follows its target only while the
// target stays on the same origin: whoever may change a URL must not receive the secrets
// saved for the old one.
export const MASK = "********";

/** scheme://host:port of an absolute URL, or null. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Saved secrets may stay only when the target's origin is unchanged (and known). */
export function secretsMayStay(previousUrl: string | null | undefined, nextUrl: string | null | undefined): boolean {
  const before = originOf(previousUrl);
  return before !== null && before === originOf(nextUrl);
}

/** The value to store: a new one as given, the saved one for a mask or absence (when it may stay). */
export function keepOrReplace<T>(given: T | undefined, saved: T | undefined, mayStay: boolean): T | undefined {
  if (given === undefined || given === (MASK as unknown)) return mayStay ? saved : undefined;
  return given;
}

/** A URL as shown to people: a user name or password in it is masked. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${MASK}@`);
}
