// Normalising the two identifiers a contact can be found by: phone (E.164) and email.
import { isSupportedCountry, parsePhoneNumberFromString, PhoneNumber, type CountryCode, type E164Number } from "libphonenumber-js/max";

export type Normalised = { ok: true; value: string } | { ok: false; reason: string };

export function isCountryCode(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/**
 * A phone number in E.164, read with the bot's default country when it has no `+` prefix.
 * Only numbers libphonenumber-js calls valid are accepted: a contact created from a
 * mistyped number could never be reached.
 */
export function normalisePhone(raw: unknown, defaultCountry: string | null): Normalised {
  if (typeof raw !== "string" && typeof raw !== "number") return { ok: false, reason: "phone must be a string" };
  const text = String(raw).trim();
  if (text === "") return { ok: false, reason: "phone is empty" };
  const country = defaultCountry && isCountryCode(defaultCountry) ? defaultCountry : undefined;
  // Parsing takes tens of microseconds, and the same people write again and again (a chat is
  // many messages from one number): recent answers are kept, least recently used dropped first.
  const key = `${country ?? ""} ${text}`;
  const known = recentPhones.get(key);
  if (known) {
    recentPhones.delete(key);
    recentPhones.set(key, known);
    return known;
  }
  const result = parsePhone(text, country);
  recentPhones.set(key, result);
  if (recentPhones.size > RECENT_PHONES) recentPhones.delete(recentPhones.keys().next().value!);
  return result;
}

const RECENT_PHONES = 10_000;
const recentPhones = new Map<string, Normalised>();

// Already E.164 ("+" and up to 15 digits), the common case from forms and APIs.
const E164 = /^\+[1-9]\d{1,14}$/;

/** The constructor refuses what has no number after a country code ("+20"), or no known code. */
function quickE164(text: string): PhoneNumber | null {
  try {
    return new PhoneNumber(text as E164Number);
  } catch {
    return null;
  }
}

function parsePhone(text: string, country: CountryCode | undefined): Normalised {
  // Checking an E.164 number against its country's patterns takes a quarter of the time of
  // parsing it from free text. Only a valid answer is taken from it: anything else (a national
  // prefix written after the country code, say) goes through the full parse, whose answer the
  // quick one never contradicts (test/unit/properties.test.ts).
  if (E164.test(text)) {
    const quick = quickE164(text);
    if (quick?.isValid()) return { ok: true, value: quick.number };
  }
  const parsed = parsePhoneNumberFromString(text, country);
  if (!parsed) {
    return {
      ok: false,
      reason: country ? `"${text}" is not a phone number` : `"${text}" is not a phone number in international format (+ and country code)`,
    };
  }
  if (!parsed.isValid()) return { ok: false, reason: `"${text}" is not a valid phone number` };
  return { ok: true, value: parsed.number };
}

// Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: unknown): Normalised {
  if (typeof raw !== "string") return { ok: false, reason: "email must be a string" };
  const value = raw.trim().toLowerCase();
  if (value.length > 254 || !EMAIL_SHAPE.test(value)) return { ok: false, reason: `"${raw.trim()}" is not an email address` };
  return { ok: true, value };
}
