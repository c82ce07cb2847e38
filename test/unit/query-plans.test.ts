// Every statement the modules run, planned as written in their repo.ts (not copied here): none
// scans a table, except the few listed below with the reason a scan is right for them.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openDataDir } from "../../src/db/index";
import { tempDir } from "../helpers/server";
import { built, statements } from "../helpers/statements";

const dir = tempDir("sb-plans-");
const db = openDataDir(dir);
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Scans that are right: a table that holds a handful of rows, or one read whole on purpose. */
const SCANS_ALLOWED: Record<string, string> = {
  "bots.SELECT_BOTS": "every bot is listed (a handful)",
  "settings.SELECT_SETTINGS": "all settings are read at once (a handful of rows)",
  "tokens.SELECT_TOKENS": "the admin lists every token",
  "inbound.SELECT_TOKENS": "every webhook token is loaded once into memory, so unknown tokens cost no query",
  "admin.SELECT_ADMIN": "one admin row",
  "livechat.SELECT_INTEGRATION": "one integration row",
  "deliveries.COUNT_BY_STATE": "counts by state walk the state index",
  "deliveries.SELECT_TARGET_LIMITS": "every target limit is read once into memory (a handful)",
  "deliveries.SELECT_CIRCUITS": "every circuit is read once into memory (a handful)",
  "deliveries.SELECT_ALERTS": "the last 50 alerts, walking the primary key newest first",
  "deliveries.SELECT_ALERT_DESTINATIONS": "every destination gets each alert (a handful)",
  "deliveries page": "the unfiltered Deliveries page walks newest first by id (the primary key)",
  "deliveries page by kind and target": "part of a URL cannot use an index: the search walks newest first",
  "admin.DELETE_EXPIRED_SESSIONS": "the team's sessions: a handful of rows",
  "admin.SELECT_USERS": "the Users page lists every user (a team: a handful)",
  "admin.COUNT_ACTIVE_OWNERS": "the owners among a team's handful of users",
  "admin.SELECT_OPEN_INVITATIONS": "the Users page lists open invitations (a handful)",
  "admin.DELETE_EXPIRED_CHALLENGES": "sign-in challenges live five minutes: a handful of rows",
  // Creating or deleting a bot (rare) makes SQLite check deliveries' and tokens' bot_id by a scan;
  // an index on deliveries.bot_id would cost every delivery's insert on the hot path instead.
  "bots.INSERT_BOT": "foreign-key checks of deliveries and tokens, on a rare write",
  "bots.DELETE_BOT": "foreign-key checks of deliveries and tokens, on a rare write",
  "bots.COUNT_FOOTPRINT": "counts a bot's deliveries before it is deleted (rare)",
};

describe("query plans", () => {
  test("the repos name their statements (the list is not empty)", () => {
    expect(statements.length).toBeGreaterThan(80);
  });

  for (const [name, sql] of [...statements, ...built]) {
    test(`${name} does not scan a table${SCANS_ALLOWED[name] ? ` (allowed: ${SCANS_ALLOWED[name]})` : ""}`, () => {
      const plan = db.query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => row.detail);
      // A scan through an index, or a virtual table's own index (the trigram search), is not a
      // table scan; nor is one of the contacts the search indexer has still to index (a few
      // hundred at most: it empties the table every 200 ms).
      const scans = plan.filter((detail) => /^SCAN /.test(detail) && !/USING (COVERING )?INDEX|VIRTUAL TABLE INDEX|json_each|^SCAN contacts_search_pending$/.test(detail));
      if (SCANS_ALLOWED[name]) return expect(plan.length).toBeGreaterThan(0);
      expect({ name, scans, plan }).toEqual({ name, scans: [], plan });
    });
  }
});
