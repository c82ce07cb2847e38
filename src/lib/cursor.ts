// Opaque keyset-pagination cursors: the id of the last row of a page, so the next page starts
// below it. Each list has its own prefix, so a cursor from one list is refused by another.
export function keysetCursor(prefix: string) {
  const pattern = new RegExp(`^${prefix}(\\d{1,15})$`);
  return {
    encode: (id: number) => Buffer.from(`${prefix}${id}`).toString("base64url"),
    /** The id, or null when the cursor is not one this list made (the caller answers invalid_cursor). */
    decode(cursor: string): number | null {
      const match = pattern.exec(Buffer.from(cursor, "base64url").toString());
      return match ? Number(match[1]) : null;
    },
  };
}

/** Splits a page fetched with `limit + 1` rows into the page and the next cursor. */
export function pageOf<T extends { id: number }>(rows: T[], limit: number, encode: (id: number) => string): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, next_cursor: more ? encode(data[data.length - 1]!.id) : null };
}
