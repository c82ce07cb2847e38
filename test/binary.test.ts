// The compiled executable, copied alone into an empty directory, serves everything it needs
// from inside itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { STATIC_FILES } from "../src/static/index";
import { ROOT, runCli, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";
import { freshPostgresDatabase } from "./helpers/postgres";
import { PostgresDatabase } from "../src/db/postgres/database";

const dir = tempDir("sb-binary-");
const binary = join(dir, "switchboard");

beforeAll(async () => {
  // The shipped recipe, so the binary under test is the one `make build` ships.
  const build = Bun.spawn(["make", "--no-print-directory", "build"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if ((await build.exited) !== 0) throw new Error(await new Response(build.stderr).text());
  copyFileSync(join(ROOT, "dist", "switchboard"), binary);
  chmodSync(binary, 0o755);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compiled binary", () => {
  test("version and help work", async () => {
    const version = await runCli(["version"], { cwd: dir, command: [binary] });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const unit = await runCli(["systemd-unit"], { cwd: dir, command: [binary] });
    expect(unit.stdout).toContain(`ExecStart=${binary} serve`);
  });

  test("started from an empty directory, it creates ./data and serves pages and embedded files", async () => {
    const server = await spawnServer([], { cwd: dir, command: [binary] });
    try {
      expect(server.output()).toMatch(/\/admin\/setup\?token=/);
      expect(existsSync(join(dir, "data", "switchboard.db"))).toBe(true);
      expect(statSync(join(dir, "data")).isDirectory()).toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const login = await fetch(`${server.url}/admin/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain("/static/htmx.min.js");
      for (const [name, file] of Object.entries(STATIC_FILES)) {
        const response = await fetch(`${server.url}/static/${name}`);
        expect(response.status).toBe(200);
        const body = await response.arrayBuffer();
        expect(body.byteLength).toBe(Bun.file(file.path).size);
      }
      const docs = await fetch(`${server.url}/docs`);
      expect(docs.status).toBe(200);
      // The shipped binary carries its checkpoint thread: it runs, and never falls back.
      await server.waitFor('"msg":"checkpoints","by":"thread"');
      expect(server.output()).not.toContain("checkpoint thread stopped");
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.child.exited).toBe(0);
    }
  });

  test("on PostgreSQL (--database), it carries its connection thread: migrates, takes a token's API calls and a webhook request, and stores them there", async () => {
    const database = freshPostgresDatabase();
    const data = join(dir, "pg-data");
    try {
      const created = await runCli(["token", "create", "binary", "--data", data, "--database", database.url], { cwd: dir, command: [binary] });
      expect(created.code).toBe(0);
      const token = created.stdout.trim().split("\n").at(-1)!;
      const server = await spawnServer(["--data", data, "--database", database.url], { cwd: dir, command: [binary] });
      try {
        expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok", database: "postgres" });
        await server.waitFor('"database":"postgres"');
        const call = (method: string, path: string, body?: unknown) =>
          fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json());
        const bot = await call("POST", "/api/v1/bots", { name: "Binary", channel: "sms", default_country: "US" });
        const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "w" });
        await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, { active: true, identify: { phone: "p" } });
        const answer = await fetch(`${server.url}${new URL(hook.url).pathname}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ p: "(415) 555-0188" }) });
        expect(answer.status).toBe(200);
        // Stored in PostgreSQL, not in a file beside the binary.
        expect(existsSync(join(data, "switchboard.db"))).toBe(false);
        const db = new PostgresDatabase(database.url);
        try {
          expect(db.query<{ phone: string }>("SELECT phone FROM contacts").all()).toEqual([{ phone: "+14155550188" }]);
        } finally {
          db.close();
        }
      } finally {
        server.child.kill("SIGTERM");
        expect(await server.child.exited).toBe(0);
      }
    } finally {
      database.drop();
    }
  });

  test("input validation survives the build: bad limits, non-object bodies and prototype names are refused, scopes hold", async () => {
    const data = join(dir, "validation-data");
    const all = (await runCli(["token", "create", "all", "--data", data], { cwd: dir, command: [binary] })).stdout.trim().split("\n").at(-1)!;
    const server = await spawnServer(["--data", data], { cwd: dir, command: [binary] });
    try {
      const api = (method: string, path: string, token: string, body?: string) =>
        fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      const bot = (await (await api("POST", "/api/v1/bots", all, '{"name":"A","channel":"sms"}')).json()) as { flow_ns: string };
      for (const query of ["limit=1.5", "limit=0", "limit=201", "limit=abc"]) expect({ query, status: (await api("GET", `/api/v1/deliveries?${query}`, all)).status }).toEqual({ query, status: 422 });
      expect((await api("PATCH", "/api/v1/settings", all, "5")).status).toBe(422);
      expect((await api("PUT", "/api/v1/integrations/webhook", all, '{"headers":"AAA"}')).status).toBe(422);
      expect((await fetch(`${server.url}/static/__proto__`)).status).toBe(404);
      const scoped = (await runCli(["token", "create", "scoped", "--bot", bot.flow_ns, "--data", data], { cwd: dir, command: [binary] })).stdout.trim().split("\n").at(-1)!;
      expect((await api("PATCH", "/api/v1/settings", scoped, "{}")).status).toBe(403);
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.child.exited).toBe(0);
    }
  });
});

type TraceEvent = { kind: "write" | "flush" } | { kind: "answer"; text: string };

/**
 * What a server run under strace did, in order: writes to the WAL (a commit), flushes of the
 * WAL (fdatasync, which only the group commit's flush uses; SQLite itself calls fsync) and
 * HTTP answers (sendto).
 */
function traceEvents(trace: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const unfinished = new Set<string>();
  for (const line of trace.split("\n")) {
    const tid = line.split(" ", 1)[0]!;
    if (/pwrite64\(\d+<[^>]*switchboard\.db-wal>/.test(line)) events.push({ kind: "write" });
    else if (/fdatasync\(\d+<[^>]*switchboard\.db-wal>\) += 0/.test(line)) events.push({ kind: "flush" });
    else if (/fdatasync\(\d+<[^>]*switchboard\.db-wal> <unfinished/.test(line)) unfinished.add(tid);
    else if (/<\.\.\. fdatasync resumed>.*= 0/.test(line) && unfinished.delete(tid)) events.push({ kind: "flush" });
    else if (/sendto\(.*"HTTP\/1\.1 /.test(line)) events.push({ kind: "answer", text: line });
  }
  return events;
}

describe("durability, as the kernel sees it (strace)", () => {
  /** Runs the binary under strace, sends five leads and one request to an inactive webhook. */
  async function traced(args: string[]) {
    const data = tempDir("sb-strace-");
    const traceFile = join(data, "..", `${data.split("/").at(-1)}.trace`);
    const token = (await runCli(["token", "create", "all", "--data", data], { cwd: dir, command: [binary] })).stdout.trim().split("\n").at(-1)!;
    const strace = ["strace", "-f", "-y", "-s", "2000", "-e", "trace=pwrite64,fdatasync,sendto", "-o", traceFile, binary];
    const server = await spawnServer(["--data", data, ...args], { cwd: dir, command: strace });
    const api = async (method: string, path: string, body: unknown) =>
      (await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, never>>;
    try {
      const bot = await api("POST", "/api/v1/bots", { name: "Leads", channel: "whatsapp", default_country: "US" });
      const lead = await api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "Lead form" });
      const leadUrl = (await api("PATCH", `/api/v1/inbound-webhooks/${lead.id}`, { active: true, identify: { phone: "p" } })).url as string;
      const off = await api("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "Switched off" });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(leadUrl, { method: "POST", body: JSON.stringify({ p: `+1415555070${i}` }) })).status);
      statuses.push((await fetch(off.url as string, { method: "POST", body: "{}" })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 409]);
    } finally {
      // strace's first line names the server's own pid: the server stops as it would under systemd.
      const pid = Number((await Bun.file(traceFile).text()).split(" ", 1)[0]);
      process.kill(pid, "SIGTERM");
      expect(await server.child.exited).toBe(0);
    }
    const events = traceEvents(await Bun.file(traceFile).text());
    /**
     * For each answer whose text holds `marker`: whether, since the previous answer, the WAL was
     * written (its commit) and a flush finished after that write. The first write of the window
     * is taken: the search indexer's batches (derived data, never waited for) may also write the
     * WAL between a request's flush and its answer.
     */
    const flushedBefore = (marker: string) =>
      events.flatMap((event, i) => {
        if (event.kind !== "answer" || !event.text.includes(marker)) return [];
        let start = i - 1;
        while (start >= 0 && events[start]!.kind !== "answer") start--;
        const since = events.slice(start + 1, i).map((e) => e.kind);
        const committed = since.indexOf("write");
        return [committed >= 0 && since.lastIndexOf("flush") > committed];
      });
    return { leads: flushedBefore("user_ns"), refusals: flushedBefore("webhook_inactive"), flushes: events.filter((e) => e.kind === "flush").length };
  }

  test("by default, every 200 of /hooks is sent after an fdatasync of the WAL that followed its commit; a 409 does not wait for one", async () => {
    const { leads, refusals } = await traced([]);
    expect(leads).toEqual([true, true, true, true, true]);
    expect(refusals).toEqual([false]);
  }, 30_000);

  test("with --durability normal, answers are sent without any flush", async () => {
    const { leads, flushes } = await traced(["--durability", "normal"]);
    expect(leads).toEqual([false, false, false, false, false]);
    expect(flushes).toBe(0);
  }, 30_000);
});
