// The table of UChat's routes in the guide is held to the router: every route served under
// /api (not /api/v1) is in it as served, every row it calls served is served, and the guide
// shows it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "../helpers/server";
import { UCHAT_ROUTES, supportOf } from "../../src/modules/livechat/uchat-routes";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const rows = UCHAT_ROUTES.flatMap((group) => group.routes.map((route) => ({ route, group: group.name, ...supportOf(route, group) })));

describe("UChat route table", () => {
  test("lists each of UChat's 249 routes once", () => {
    expect(rows.length).toBe(249);
    expect(new Set(rows.map((row) => row.route)).size).toBe(249);
  });

  test("the routes it calls served are exactly the /api routes the router serves", () => {
    const served = server.routes().filter((r) => r.path.startsWith("/api/") && !r.path.startsWith("/api/v1/")).map((r) => `${r.method} ${r.path.slice(4)}`);
    const claimed = rows.filter((row) => row.support !== "not served").map((row) => row.route);
    expect(claimed.sort()).toEqual(served.sort());
  });

  test("every difference and every reason is said", () => {
    for (const row of rows) if (row.support !== "as is") expect({ route: row.route, said: row.note.trim().length > 0 }).toEqual({ route: row.route, said: true });
  });

  test("the guide shows the table, a row for each route", async () => {
    const guide = await (await fetch(`${server.url}/docs/guide`)).text();
    expect(guide).toContain("<h2>UChat routes, one by one</h2>");
    const shown = new Map([...guide.matchAll(/<tr><td><code>([A-Z]+ \/api[^<]*)<\/code><\/td><td>([^<]+)<\/td>/g)].map((match) => [match[1], match[2]]));
    expect(shown.size).toBe(249);
    expect(shown.get("POST /api/subscriber/add-tags-by-name")).toBe("as is");
    expect(shown.get("GET /api/flow/bot-users-count")).toBe("with a difference");
    expect(shown.get("GET /api/shop/orders")).toBe("not served");
  });
});
