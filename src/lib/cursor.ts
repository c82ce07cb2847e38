// Opaque keyset-pagination cursors: the id of the last row of a page, so the next page starts
// below it. Each list has its own prefix, so a cursor from one list is refused by another.
import { errors } from "../http/errors";

export function keysetCursor(prefix: string) {
  const pattern = new RegExp(`^${prefix}(\\d{1,15})$`);
  return {
    encode: (id: number) => Buffer.from(`${prefix}${id}`).toString("base64url"),
    decode(cursor: string): number {
      const match = pattern.exec(Buffer.from(cursor, "base64url").toString());
      if (!match) throw errors.invalidCursor();
      return Number(match[1]);
    },
  };
}

/** Splits a page fetched with `limit + 1` rows into the page and the next cursor. */
export function pageOf<T extends { id: number }>(rows: T[], limit: number, encode: (id: number) => string): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, next_cursor: more ? encode(data[data.length - 1]!.id) : null };
}
