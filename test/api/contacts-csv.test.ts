// Contacts in and out as CSV: the streamed export (read back with csv-parse, not by hand), and
// the import: upload, mapping, dry run, refusals by line, import with and without skipping them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../helpers/server";
import { count, createBot } from "../helpers/inbound";

let server: TestServer;
let flowNs: string;
let botId: number;

beforeAll(async () => {
  server = await startTestServer();
  flowNs = (await createBot(server, { name: "CSV", channel: "sms", default_country: "US" })).flow_ns;
  botId = server.services.bots.get(flowNs).id;
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "plan", type: "text" });
  await server.api("POST", `/api/v1/bots/${flowNs}/fields`, { name: "seats", type: "number" });
});
afterAll(() => server.close());

const csv = async (path: string) => {
  const response = await server.api("GET", path);
  expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  return parse(await response.text(), { columns: true }) as Record<string, string>[];
};
const upload = (text: string, bot = flowNs) => server.api("POST", `/api/v1/bots/${bot}/contact-imports?file_name=leads.csv`, text, { "content-type": "text/csv" });
const contactsOfBot = () => count(server, "SELECT count(*) AS n FROM contacts WHERE bot_id = ?", botId);

async function finished(id: number, states = ["checked", "done", "refused", "failed"]) {
  for (let i = 0; i < 300; i++) {
    const job = await (await server.api("GET", `/api/v1/contact-imports/${id}`)).json();
    if (states.includes(job.state)) return job;
    await Bun.sleep(20);
  }
  throw new Error(`import ${id} did not finish`);
}

describe("CSV export", () => {
  test("every contact with its own columns and every custom field; commas, quotes and line breaks survive", async () => {
    const ada = await (await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { phone: "+14155550900", first_name: 'Ada "the first", Countess\nof Lovelace' })).json();
    await server.api("PATCH", `/api/v1/contacts/${ada.user_ns}`, { tags: ["vip", "beta"], fields: { plan: "pro, yearly", seats: 12 } });
    await server.api("POST", `/api/v1/bots/${flowNs}/contacts`, { email: "grace@example.com", last_name: "Hopper" });
    const rows = await csv(`/api/v1/bots/${flowNs}/contacts/export`);
    expect(Object.keys(rows[0]!)).toEqual(["user_ns", "first_name", "last_name", "phone", "email", "gender", "tags", "created_at", "updated_at", "plan", "seats"]);
    expect(rows.map((r) => r.email || r.phone)).toEqual(["grace@example.com", "+14155550900"]); // newest first
    expect(rows[1]).toMatchObject({ user_ns: ada.user_ns, first_name: 'Ada "the first", Countess\nof Lovelace', tags: "vip; beta", plan: "pro, yearly", seats: "12" });
    expect(rows[0]).toMatchObject({ last_name: "Hopper", phone: "", plan: "", seats: "" });
  });

  test("q exports what the search finds; pages of a thousand are all streamed", async () => {
    server.db.transaction(() => {
      for (let i = 0; i < 2500; i++) server.services.contacts.create(server.services.bots.get(flowNs), { email: `bulk${i}@example.com` });
    })();
    expect((await csv(`/api/v1/bots/${flowNs}/contacts/export?q=grace`)).map((r) => r.email)).toEqual(["grace@example.com"]);
    const all = await csv(`/api/v1/bots/${flowNs}/contacts/export`);
    expect(all).toHaveLength(contactsOfBot());
    expect(new Set(all.map((r) => r.user_ns)).size).toBe(all.length);
  });
});

describe("CSV import", () => {
  const file = [
    "Phone Number,First Name,Plan,Seats,Tags",
    "(415) 555-0910,Linus,free,1,new; web", // line 2: new
    "+1 415 555 0900,Ada,enterprise,40,", // line 3: Ada exists (by phone)
    "not a phone,Bad,free,1,", // line 4: refused
    "415-555-0911,Margaret,pro,many,", // line 5: seats is not a number
    "415-555-0912,Grace", // line 6: too few values
    ",NoPhone,free,1,", // line 7: nothing to match or create by
  ].join("\n");

  test("upload answers the columns, row count, first rows and a suggested mapping; the file is kept 0600", async () => {
    const response = await upload(file);
    expect(response.status).toBe(201);
    const job = await response.json();
    expect(statSync(join(server.dataDir, "imports", `${job.id}.csv`)).mode & 0o777).toBe(0o600);
    expect(job).toMatchObject({
      file_name: "leads.csv",
      state: "uploaded",
      columns: ["Phone Number", "First Name", "Plan", "Seats", "Tags"],
      rows: 5, // line 6 cannot be read: it is reported when the file is checked
      sample: [["(415) 555-0910", "Linus", "free", "1", "new; web"], ["+1 415 555 0900", "Ada", "enterprise", "40", ""], ["not a phone", "Bad", "free", "1", ""]],
      mapping: { "Phone Number": "phone", "First Name": "first_name", Plan: null, Seats: null, Tags: "tags" },
      match_by: "auto",
      existing: "update",
    });
  });

  test("a dry run reports what would be created, updated and refused, by line, and writes nothing; an import with refusals writes nothing unless asked", async () => {
    const job = await (await upload(file)).json();
    const mapped = await server.api("PATCH", `/api/v1/contact-imports/${job.id}`, { mapping: { Plan: "plan", Seats: "seats" } });
    expect((await mapped.json()).mapping).toEqual({ "Phone Number": "phone", "First Name": "first_name", Plan: "plan", Seats: "seats", Tags: "tags" });
    const before = contactsOfBot();
    expect((await server.api("POST", `/api/v1/contact-imports/${job.id}/dry-run`)).status).toBe(202);
    const checked = await finished(job.id);
    expect(checked.state).toBe("checked");
    expect(checked.report).toMatchObject({ dry_run: true, created: 1, updated: 1, skipped: 0, refused: 4 });
    expect(checked.report.problems).toEqual([
      { line: 4, reason: `phone 'not a phone': "not a phone" is not a phone number` },
      { line: 5, reason: `seats 'many': "many" cannot be stored as number` },
      { line: 6, reason: "the line cannot be read as CSV (Invalid Record Length: expect 5, got 2 on line 6)" },
      { line: 7, reason: "a new contact needs a phone or an email" },
    ]);
    expect(contactsOfBot()).toBe(before);

    await server.api("POST", `/api/v1/contact-imports/${job.id}/run`, {});
    const refused = await finished(job.id);
    expect(refused).toMatchObject({ state: "refused", report: { refused: 4 } });
    expect(contactsOfBot()).toBe(before);

    await server.api("POST", `/api/v1/contact-imports/${job.id}/run`, { skip_invalid: true });
    const done = await finished(job.id, ["done", "failed"]);
    expect(done).toMatchObject({ state: "done", progress: { processed: 5, total: 5 }, report: { dry_run: false, created: 1, updated: 1, refused: 4 } });
    expect(contactsOfBot()).toBe(before + 1);
    const linus = server.services.contacts.findByPhone(botId, "+14155550910")!;
    expect(linus).toMatchObject({ first_name: "Linus", tags: '["new","web"]' });
    expect(server.services.contacts.fieldValues(linus.id)).toEqual({ plan: "free", seats: 1 });
    const ada = server.services.contacts.findByPhone(botId, "+14155550900")!;
    expect(ada).toMatchObject({ first_name: "Ada", tags: '["vip","beta"]' }); // tags added to, never removed; empty cells change nothing
    expect(server.services.contacts.fieldValues(ada.id)).toEqual({ plan: "enterprise", seats: 40 });
    // The uploaded file holds personal data: kept 0600 while needed, removed once imported.
    expect(existsSync(join(server.dataDir, "imports", `${job.id}.csv`))).toBe(false);
    const again = await server.api("POST", `/api/v1/contact-imports/${job.id}/run`, { skip_invalid: true });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("import_finished");
  });

  test("existing: skip leaves found contacts alone; match_by email finds by email only", async () => {
    const job = await (await upload("email,first_name\ngrace@example.com,Amazing Grace\nnew@example.com,Newton\n")).json();
    expect(job.mapping).toEqual({ email: "email", first_name: "first_name" });
    await server.api("PATCH", `/api/v1/contact-imports/${job.id}`, { match_by: "email", existing: "skip" });
    await server.api("POST", `/api/v1/contact-imports/${job.id}/run`, {});
    expect((await finished(job.id)).report).toMatchObject({ created: 1, updated: 0, skipped: 1, refused: 0 });
    expect(server.services.contacts.findByEmail(botId, "grace@example.com")!.first_name).toBeNull();
    expect(server.services.contacts.findByEmail(botId, "new@example.com")!.first_name).toBe("Newton");
  });

  test("an export imports back onto the same contacts", async () => {
    const exported = await (await server.api("GET", `/api/v1/bots/${flowNs}/contacts/export?q=Ada`)).text();
    const job = await (await upload(exported)).json();
    expect(job.mapping).toMatchObject({ user_ns: "user_ns", phone: "phone", email: "email", tags: "tags", plan: "plan", seats: "seats", created_at: null });
    const before = contactsOfBot();
    await server.api("POST", `/api/v1/contact-imports/${job.id}/run`, {});
    expect((await finished(job.id)).report).toMatchObject({ created: 0, updated: 1, refused: 0 });
    expect(contactsOfBot()).toBe(before);
  });

  test("bad uploads and mappings are refused naming what is wrong", async () => {
    const empty = await upload("");
    expect(empty.status).toBe(422);
    expect((await empty.json()).error.code).toBe("invalid_csv");
    const twice = await upload("phone,phone\n1,2\n");
    expect((await twice.json()).error).toEqual({ code: "invalid_csv", message: "The header names the column 'phone' twice." });
    const job = await (await upload("a,b\n1,2\n")).json();
    const unknown = await server.api("PATCH", `/api/v1/contact-imports/${job.id}`, { mapping: { a: "shoe_size" } });
    expect((await unknown.json()).error).toEqual({ code: "invalid_mapping", message: "mapping.a: 'shoe_size' is not a contact column (user_ns, phone, email, first_name, last_name, gender, tags) or a custom field of this bot" });
    const same = await server.api("PATCH", `/api/v1/contact-imports/${job.id}`, { mapping: { a: "phone", b: "phone" } });
    expect((await same.json()).error.message).toBe("mapping: two columns go to 'phone'");
    const noKey = await server.api("POST", `/api/v1/contact-imports/${job.id}/dry-run`);
    expect(noKey.status).toBe(422);
    expect((await noKey.json()).error.code).toBe("invalid_mapping");
    expect((await server.api("DELETE", `/api/v1/contact-imports/${job.id}`)).status).toBe(204);
    expect((await server.api("GET", `/api/v1/contact-imports/${job.id}`)).status).toBe(404);
  });
});
