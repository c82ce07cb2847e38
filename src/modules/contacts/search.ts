// Finding a bot's contacts: a page newest first (by cursor or page number) narrowed by phone,
// email, tag, a field's value or a search term. A term is looked up by prefix first (index
// ranges), then anywhere (the trigram index); few matches are fetched by id, many are met by
// walking the bot's newest contacts with a filter.
import type { Database } from "bun:sqlite";
import { getCountryCallingCode } from "libphonenumber-js/max";
import { isCountryCode } from "../../lib/contact-identity";
import { keysetCursor, pageOf } from "../../lib/cursor";
import { errors } from "../../http/errors";
import type { Bot } from "../bots/service";
import type { ListContactsQuery } from "./model";
import { contactsPage, SEARCH_MATCH_LIMIT, SQL, type ContactFilter } from "./repo";
import type { Contact, ContactFilters } from "./service";

const PREFIX_END = "\u{10FFFF}";
const cursors = keysetCursor("c");

// LIKE patterns treat % and _ as wildcards; a search for "50%" means the characters.
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createContactSearch({ db, phoneOf, emailOf }: { db: Database; phoneOf: (bot: Bot, raw: string) => string; emailOf: (raw: string) => string }) {
  const prefixMatches = db.query<{ id: number }, any>(SQL.PREFIX_MATCHES);
  const containsMatches = db.query<{ id: number }, { like: string }>(SQL.CONTAINS_MATCHES);

  function searchPlan(bot: Bot, q: string): Pick<ContactFilter, "ids" | "prefix" | "contains"> {
    const digits = q.replace(/[\s().-]/g, "").replace(/^\+/, "");
    const isDigits = /^\d+$/.test(digits);
    const callingCode = bot.default_country && isCountryCode(bot.default_country) ? getCountryCallingCode(bot.default_country) : "";
    const phone = isDigits ? `+${digits}` : "\u0000";
    const localPhone = isDigits && callingCode ? `+${callingCode}${digits.replace(/^0+/, "")}` : "\u0000";
    const email = q.toLowerCase();
    const prefix = prefixMatches.all({ exact: q, bot: bot.id, name: q, nameEnd: q + PREFIX_END, email, emailEnd: email + PREFIX_END, phone, phoneEnd: phone + PREFIX_END, localPhone, localPhoneEnd: localPhone + PREFIX_END });
    if (prefix.length > SEARCH_MATCH_LIMIT) {
      const like = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return { prefix: { like, phoneLike: `${phone}%`, localPhoneLike: `${localPhone}%` } };
    }
    if (prefix.length > 0 || q.length < 3) return { ids: prefix.map((row) => row.id) };
    const contains = containsMatches.all({ like: likeContains(q) });
    if (contains.length <= SEARCH_MATCH_LIMIT) return { ids: contains.map((row) => row.id) };
    return { contains: likeContains(q) };
  }


  return {
    /** A page of the bot's contacts, newest first: by cursor, or by page number with the total. */
    list(bot: Bot, query: ListContactsQuery & ContactFilters): { data: Contact[]; next_cursor: string | null; total?: number } {
      const filter: ContactFilter = { bot: bot.id };
      if (query.phone) filter.phone = phoneOf(bot, query.phone);
      if (query.email) filter.email = emailOf(query.email);
      const q = query.q?.trim();
      // Few matches are looked up by id; many are met walking the bot's newest contacts.
      if (q) Object.assign(filter, searchPlan(bot, q));
      if (query.tag !== undefined) filter.tag = query.tag;
      if (query.field) filter.field = query.field;
      const limit = query.limit ?? 50;
      if (query.page !== undefined) {
        const page = contactsPage(filter, limit + 1, (query.page - 1) * limit);
        const total = db.query<{ n: number }, any>(page.count).get(page.params)!.n;
        return { ...pageOf(db.query<Contact, any>(page.rows).all(page.params), limit, cursors.encode), total };
      }
      if (query.cursor) filter.before = cursors.decode(query.cursor) ?? errors.throwInvalidCursor();
      const page = contactsPage(filter, limit + 1);
      const rows = db.query<Contact, any>(page.rows).all(page.params);
      return pageOf(rows, limit, cursors.encode);
    },
  };
}
