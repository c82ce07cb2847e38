// Contacts through the real HTTP API: creation with normalisation, search, paging, updates.
import { isPostgres } from "../../src/db/index";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let flowNs: string;

async function json(response: Promise<Response>) {
  return (await response).json();
}

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await json(server.api("POST", "/api/v1/bots", { name: "Leads", channel: "sms", default_country: "GB" }))).flow_ns;
  for (const [name, type] of [["plan", "text"], ["seats", "number"], ["vip", "boolean"], ["booked_on", "date"], ["meta", "json"]]) {
    await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name, type });
  }
});
afterAll(() => server.close());

describe("create", () => {
  test("phone is normalised with the bot's country and email lowercased", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "07400 123123", email: "  Ann@Example.COM ", first_name: "Ann" });
    expect(response.status).toBe(201);
    const contact = await response.json();
    expect(contact).toMatchObject({ flow_ns: flowNs, phone: "+447400123123", email: "ann@example.com", first_name: "Ann", tags: [], fields: {}, paused_until: null });
    expect(contact.user_ns).toMatch(/^u[0-9a-z]{14}$/);
  });

  test("invalid phone is 422 invalid_phone and stores nothing", async () => {
    const before = (server.db.query("SELECT count(*) AS n FROM contacts").get() as { n: number }).n;
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "12345" });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("invalid_phone");
    expect((server.db.query("SELECT count(*) AS n FROM contacts").get() as { n: number }).n).toBe(before);
  });

  test("invalid email is 422 invalid_email", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "not-an-email" });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("invalid_email");
  });

  test("a contact needs a phone or an email", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { first_name: "Nobody" });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("contact_identifier_required");
  });

  test("the same phone twice in one bot is 409, written differently too", async () => {
    await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+44 7400 123456" });
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "07400123456" });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("contact_exists");
  });

  test("wrong types are 422 naming the field", async () => {
    const response = await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: 447400123999 });
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toContain("phone");
  });
});

describe("find and list", () => {
  test("by phone in any format, by email in any case", async () => {
    const created = await json(server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+447400123777", email: "find.me@example.org" }));
    const byPhone = await json(server.api("GET", `/api/v1/bots/${flowNs}/contacts?phone=${encodeURIComponent("07400 123777")}`));
    expect(byPhone.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([created.user_ns]);
    const byEmail = await json(server.api("GET", `/api/v1/bots/${flowNs}/contacts?email=FIND.ME@example.org`));
    expect(byEmail.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([created.user_ns]);
  });

  test("q matches part of a name, and % is not a wildcard", async () => {
    await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "zed@example.org", first_name: "Zebedee", last_name: "Quux" });
    const page = await json(server.api("GET", `/api/v1/bots/${flowNs}/contacts?q=ebede`));
    expect(page.data.map((c: { first_name: string }) => c.first_name)).toEqual(["Zebedee"]);
    const wildcard = await json(server.api("GET", `/api/v1/bots/${flowNs}/contacts?q=%25`));
    expect(wildcard.data).toEqual([]);
  });

  test("search by the start of a phone written the local way, an email, or a last name", async () => {
    const bot = await json(server.api("POST", "/api/v1/bots", { name: "Search", channel: "sms", default_country: "US" }));
    const ada = await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155552671", email: "ada@lovelace.org", first_name: "Ada", last_name: "Lovelace" }));
    await server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550000", first_name: "Bob" });
    const find = async (q: string) => (await json(server.api("GET", `/api/v1/bots/${bot.flow_ns}/contacts?q=${encodeURIComponent(q)}`))).data.map((c: { user_ns: string }) => c.user_ns);
    expect(await find("(415) 555-26")).toEqual([ada.user_ns]);
    expect(await find("+1415555267")).toEqual([ada.user_ns]);
    expect(await find("ADA@love")).toEqual([ada.user_ns]);
    expect(await find("lovel")).toEqual([ada.user_ns]);
    expect(await find("velac")).toEqual([ada.user_ns]); // the middle of a name, through the trigram index
    expect(await find(ada.user_ns)).toEqual([ada.user_ns]);
    expect((await find("4155")).length).toBe(2);
  });

  test("the middle of a name is found before and after the search indexer runs; an old name is not found after a change", async () => {
    // On PostgreSQL the trigram index is kept by PostgreSQL as rows change: nothing ever waits.
    const waits = isPostgres(server.db) ? 0 : 1;
    const bot = await json(server.api("POST", "/api/v1/bots", { name: "Indexer", channel: "email" }));
    const pending = () => server.db.query<{ n: number }, []>("SELECT count(*) AS n FROM contacts_search_pending").get()!.n;
    const find = async (q: string) => (await json(server.api("GET", `/api/v1/bots/${bot.flow_ns}/contacts?q=${encodeURIComponent(q)}`))).data.map((c: { user_ns: string }) => c.user_ns);
    server.services.searchIndexer.stop(); // this test runs the indexer by hand
    while (server.services.searchIndexer.indexBatch() > 0);
    const grace = await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { email: "grace@example.org", first_name: "Gracelyn", last_name: "Hopperton" }));
    expect(pending()).toBe(waits); // written, not yet indexed
    expect(await find("opperto")).toEqual([grace.user_ns]);
    expect(server.services.searchIndexer.indexBatch()).toBe(waits);
    expect(pending()).toBe(0);
    expect(await find("opperto")).toEqual([grace.user_ns]); // now through the trigram index
    await server.api("PATCH", `/api/v1/contacts/${grace.user_ns}`, { last_name: "Kellerman" });
    expect(pending()).toBe(waits);
    // The index still holds the old name, but a noted contact is judged by its row.
    expect(await find("opperto")).toEqual([]);
    expect(await find("llerma")).toEqual([grace.user_ns]);
    server.services.searchIndexer.indexBatch();
    expect(await find("opperto")).toEqual([]);
    expect(await find("llerma")).toEqual([grace.user_ns]);
    // Deleting a bot deletes its contacts this way: the index forgets them at once.
    server.db.run("DELETE FROM contacts WHERE user_ns = ?", [grace.user_ns]);
    expect(await find("llerma")).toEqual([]);
    if (!isPostgres(server.db)) expect(server.db.query<{ n: number }, []>("SELECT count(*) AS n FROM contacts_search WHERE text LIKE '%llerma%'").get()!.n).toBe(0);
  });

  test("keyset pagination walks every contact once, newest first", async () => {
    const bot = await json(server.api("POST", "/api/v1/bots", { name: "Paging", channel: "email" }));
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await json(server.api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { email: `p${i}@example.com` }))).user_ns);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { user_ns: string }[]; next_cursor: string | null } = await json(
        server.api("GET", `/api/v1/bots/${bot.flow_ns}/contacts?limit=3${cursor ? `&cursor=${cursor}` : ""}`),
      );
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((c) => c.user_ns));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(made.reverse());
  });

  test("bad query parameters get clear errors", async () => {
    const cursor = await server.api("GET", `/api/v1/bots/${flowNs}/contacts?cursor=garbage`);
    expect(cursor.status).toBe(400);
    expect((await cursor.json()).error.code).toBe("invalid_cursor");
    const limit = await server.api("GET", `/api/v1/bots/${flowNs}/contacts?limit=5000`);
    expect(limit.status).toBe(422);
    expect((await limit.json()).error.message).toContain("limit");
    const phone = await server.api("GET", `/api/v1/bots/${flowNs}/contacts?phone=abc`);
    expect(phone.status).toBe(422);
  });
});

describe("get and patch", () => {
  let userNs: string;
  beforeAll(async () => {
    userNs = (await json(server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+447400123321" }))).user_ns;
  });

  test("field values are coerced to their field's type", async () => {
    const response = await server.api("PATCH", `/api/v1/contacts/${userNs}`, {
      first_name: "Bo",
      tags: ["lead", "lead", " web "],
      fields: { plan: 42, seats: "3", vip: "yes", booked_on: "2026-12-01", meta: { source: "form" } },
    });
    expect(response.status).toBe(200);
    const contact = await response.json();
    expect(contact.first_name).toBe("Bo");
    expect(contact.tags).toEqual(["lead", "web"]);
    expect(contact.fields).toEqual({ plan: "42", seats: 3, vip: true, booked_on: "2026-12-01", meta: { source: "form" } });
    expect(await json(server.api("GET", `/api/v1/contacts/${userNs}`))).toEqual(contact);
  });

  test("one bad value rejects the whole patch", async () => {
    const response = await server.api("PATCH", `/api/v1/contacts/${userNs}`, { first_name: "Changed", fields: { seats: "many", plan: "gold" } });
    expect(response.status).toBe(422);
    const { error } = await response.json();
    expect(error.code).toBe("invalid_field_value");
    expect(error.message).toContain("seats");
    const contact = await json(server.api("GET", `/api/v1/contacts/${userNs}`));
    expect(contact.first_name).toBe("Bo");
    expect(contact.fields.plan).toBe("42");
  });

  test("unknown field is 422 unknown_field", async () => {
    const response = await server.api("PATCH", `/api/v1/contacts/${userNs}`, { fields: { favourite_colour: "blue" } });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("unknown_field");
  });

  test("null clears a field value", async () => {
    const contact = await json(server.api("PATCH", `/api/v1/contacts/${userNs}`, { fields: { plan: null } }));
    expect(contact.fields).not.toHaveProperty("plan");
  });

  test("unknown contact is 404", async () => {
    expect((await server.api("GET", "/api/v1/contacts/unope")).status).toBe(404);
    expect((await server.api("PATCH", "/api/v1/contacts/unope", { first_name: "x" })).status).toBe(404);
  });

  test("SQL metacharacters are data, not SQL", async () => {
    const name = "Robert'); DROP TABLE contacts;--";
    const contact = await json(server.api("PATCH", `/api/v1/contacts/${userNs}`, { last_name: name }));
    expect(contact.last_name).toBe(name);
    const found = await json(server.api("GET", `/api/v1/bots/${flowNs}/contacts?q=${encodeURIComponent("'); DROP")}`));
    expect(found.data.map((c: { user_ns: string }) => c.user_ns)).toEqual([userNs]);
  });
});
