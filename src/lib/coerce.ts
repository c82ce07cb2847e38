// Turning an incoming value into what a custom field of a given type stores.
export const FIELD_TYPES = ["text", "number", "boolean", "date", "datetime", "json", "array"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

const TRUE_WORDS = new Set(["true", "yes", "y", "1", "on"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0", "off"]);
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(value: unknown, type: FieldType): Coerced {
  return { ok: false, reason: `${describe(value)} cannot be stored as ${type}` };
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Values are stored as JSON; `null` clears a field whatever its type. */
export function coerceFieldValue(type: FieldType, value: unknown): Coerced {
  if (value === null) return { ok: true, value: null };
  switch (type) {
    case "text":
      if (typeof value === "string") return { ok: true, value };
      if (typeof value === "number" || typeof value === "boolean") return { ok: true, value: String(value) };
      return fail(value, type);
    case "number": {
      if (typeof value === "number" && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === "string" && value.trim() !== "") {
        const number = Number(value.trim());
        if (Number.isFinite(number)) return { ok: true, value: number };
      }
      return fail(value, type);
    }
    case "boolean":
      if (typeof value === "boolean") return { ok: true, value };
      if (value === 1 || value === 0) return { ok: true, value: value === 1 };
      if (typeof value === "string") {
        const word = value.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return { ok: true, value: true };
        if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      }
      return fail(value, type);
    case "date": {
      if (typeof value !== "string") return fail(value, type);
      const text = value.trim();
      const match = DATE_ONLY.exec(text);
      if (match && isRealDate(+match[1]!, +match[2]!, +match[3]!)) return { ok: true, value: text };
      const parsed = parseDateTime(text);
      return parsed === null ? fail(value, type) : { ok: true, value: parsed.slice(0, 10) };
    }
    case "datetime": {
      if (typeof value === "number" && Number.isFinite(value)) {
        // Unix time: seconds below 10^11 (year 5138), milliseconds above.
        const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
        const date = new Date(ms);
        // Only years 0000–9999 have a plain ISO 8601 form that reads back the same.
        const year = date.getUTCFullYear();
        return Number.isNaN(date.getTime()) || year < 0 || year > 9999 ? fail(value, type) : { ok: true, value: date.toISOString() };
      }
      if (typeof value !== "string") return fail(value, type);
      const parsed = parseDateTime(value.trim());
      return parsed === null ? fail(value, type) : { ok: true, value: parsed };
    }
    case "json":
      return { ok: true, value };
    case "array": {
      if (Array.isArray(value)) return { ok: true, value };
      // A form or a UChat client sends text: a JSON array is read as one, anything else is one item.
      if (typeof value === "string" && value.trim().startsWith("[")) {
        try {
          const parsed: unknown = JSON.parse(value);
          if (Array.isArray(parsed)) return { ok: true, value: parsed };
        } catch {}
        return fail(value, type);
      }
      return typeof value === "object" ? fail(value, type) : { ok: true, value: [value] };
    }
  }
}

/** ISO 8601 date-times only (a bare date is midnight UTC); other formats are too ambiguous. */
function parseDateTime(text: string): string | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) return isRealDate(+dateOnly[1]!, +dateOnly[2]!, +dateOnly[3]!) ? `${text}T00:00:00.000Z` : null;
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return null;
  const [year, month, day] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  if (!isRealDate(year, month, day)) return null;
  // Without an offset, a date-time is read as UTC, never as the server's local time.
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const date = new Date(withZone.replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
