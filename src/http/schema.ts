// Schema helpers shared by the models.
import { t } from "elysia";

/**
 * A required choice among strings. Elysia's UnionEnum carries a default (its first value)
 * that would silently fill a missing field; a required choice must be made by the caller.
 */
export function oneOf(values: readonly string[], options: { description?: string } = {}) {
  return t.UnionEnum(values as [string, ...string[]], { ...options, default: undefined, error: `must be one of: ${values.join(", ")}` });
}
