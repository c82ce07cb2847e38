// A bot's tags: the names its contacts carry (kept known by triggers, see migration 13) and
// the ones created ahead of use. Addressed by name or by tag_ns (`t` + the tag's id).
import type { Database } from "bun:sqlite";
import { errors } from "../../http/errors";

export interface Tag {
  id: number;
  bot_id: number;
  name: string;
}

export const tagNs = (tag: Tag) => `t${tag.id}`;
export const tagToJson = (tag: Tag) => ({ name: tag.name, tag_ns: tagNs(tag) });

const SELECT_BY_BOT = "SELECT * FROM tags WHERE bot_id = ? ORDER BY name";
const SELECT_BY_ID = "SELECT * FROM tags WHERE bot_id = ? AND id = ?";
const SELECT_BY_NAME = "SELECT * FROM tags WHERE bot_id = ? AND name = ?";
const INSERT = "INSERT INTO tags (bot_id, name) VALUES (?, ?) RETURNING *";
const DELETE = "DELETE FROM tags WHERE id = ?";
// Only the bot's contacts that carry the tag are rewritten, keeping the others' order.
const UNTAG_CONTACTS = `UPDATE contacts SET tags = (SELECT json_group_array(value) FROM json_each(contacts.tags) WHERE value != $name)
  WHERE bot_id = $bot AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = $name)`;

export function createTags({ db }: { db: Database }) {
  const selectByBot = db.query<Tag, [number]>(SELECT_BY_BOT);
  const selectById = db.query<Tag, [number, number]>(SELECT_BY_ID);
  const selectByName = db.query<Tag, [number, string]>(SELECT_BY_NAME);
  const insert = db.query<Tag, [number, string]>(INSERT);
  const remove = db.query(DELETE);
  const untagContacts = db.query(UNTAG_CONTACTS);

  const byNs = (botId: number, ns: string): Tag => {
    const id = /^t(\d{1,15})$/.exec(ns)?.[1];
    const tag = id ? selectById.get(botId, Number(id)) : null;
    if (!tag) throw errors.notFound("tag", ns);
    return tag;
  };

  return {
    list: (botId: number): Tag[] => selectByBot.all(botId),
    byNs,
    byName(botId: number, name: string): Tag {
      const tag = selectByName.get(botId, name.trim());
      if (!tag) throw errors.notFound("tag", name);
      return tag;
    },
    /** The tag with this name, created when the bot has none yet. */
    ensure(botId: number, name: string): { tag: Tag; created: boolean } {
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 100) throw errors.validation("A tag name is 1 to 100 characters.");
      return db.transaction(() => {
        const existing = selectByName.get(botId, trimmed);
        return existing ? { tag: existing, created: false } : { tag: insert.get(botId, trimmed)!, created: true };
      }).immediate();
    },
    /** Deletes the tag and takes it off every contact of its bot, in one transaction. */
    remove(tag: Tag): void {
      db.transaction(() => {
        untagContacts.run({ bot: tag.bot_id, name: tag.name });
        remove.run(tag.id);
      }).immediate();
    },
  };
}

export type Tags = ReturnType<typeof createTags>;
