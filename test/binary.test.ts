// The compiled executable, copied alone into an empty directory, serves everything it needs
// from inside itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { STATIC_FILES } from "../src/static/index";
import { ROOT, runCli, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";

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
