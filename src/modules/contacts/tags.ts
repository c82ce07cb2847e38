// A bot's tags: the names its contacts carry (kept known by triggers, see migration 13) and
// the ones created ahead of use. Addressed by name or by tag_ns (`t` + the tag's id).
import type { Database } from "bun:sqlite";
import { errors } from "../../http/errors";
import { SQL } from "./repo";

export interface Tag {
  id: number;
  bot_id: number;
  name: string;
}

export const tagNs = (tag: Tag) => `t${tag.id}`;
export const tagToJson = (tag: Tag) => ({ name: tag.name, tag_ns: tagNs(tag) });


export function createTags({ db }: { db: Database }) {
  const selectByBot = db.query<Tag, [number]>(SQL.SELECT_TAGS_BY_BOT);
  const selectById = db.query<Tag, [number, number]>(SQL.SELECT_TAG_BY_ID);
  const selectByName = db.query<Tag, [number, string]>(SQL.SELECT_TAG_BY_NAME);
  const insert = db.query<Tag, [number, string]>(SQL.INSERT_TAG);
  const remove = db.query(SQL.DELETE_TAG);
  const untagContacts = db.query(SQL.UNTAG_CONTACTS);

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
