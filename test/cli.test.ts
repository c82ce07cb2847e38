// The command line: help, version, bad usage, token creation, password setting, the unit file,
// and a graceful stop on SIGTERM.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import pkg from "../package.json";
import { runCli, SOURCE_CLI, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";
import { standIn } from "./helpers/worker";

const dirs: string[] = [];
const dataDir = () => {
  const dir = tempDir("sb-cli-");
  dirs.push(dir);
  return join(dir, "data");
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("cli", () => {
  test("version prints the package version", async () => {
    const { stdout, code } = await runCli(["version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  test("--help lists commands and every flag with its env var", async () => {
    const { stdout, code } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const word of ["token create", "admin set-password", "migrate-to-postgres", "--database", "SWITCHBOARD_DATABASE_URL", "systemd-unit", "--host", "SWITCHBOARD_PORT", "--data", "--public-url", "--trusted-proxy", "SWITCHBOARD_TRUSTED_PROXY", "SWITCHBOARD_ADMIN_PASSWORD"]) {
      expect(stdout).toContain(word);
    }
    // Every default is said where it is (none refers the reader elsewhere).
    expect(stdout).not.toContain("see help");
    expect(stdout).toContain("(default: 127.0.0.1)");
  });

  const usageErrors: [string, string[], RegExp][] = [
    ["unknown flag", ["serve", "--bogus"], /bogus/],
    ["unknown command", ["launch"], /unknown command 'launch'/],
    ["port out of range", ["serve", "--port", "70000"], /--port/],
    ["port not a number", ["serve", "--port", "eighty"], /--port/],
    ["bad public url", ["serve", "--public-url", "ftp://x"], /--public-url/],
    ["token without name", ["token", "create"], /usage: switchboard token create/],
    ["token with a bad agent", ["token", "create", "x", "--agent", "zero"], /--agent/],
    ["a database URL that is not postgres://", ["serve", "--database", "mysql://db/sb"], /--database must be a postgres:\/\/ URL/],
    ["backup with PostgreSQL", ["backup", "copy.db", "--database", "postgres://db/sb"], /with PostgreSQL, back up the database with pg_dump/],
    ["restore with PostgreSQL", ["restore", "copy.db", "--database", "postgres://db/sb"], /with PostgreSQL, restore the database with pg_restore/],
    ["migrate-to-postgres without --to", ["migrate-to-postgres"], /usage: switchboard migrate-to-postgres --to/],
  ];
  for (const [name, args, message] of usageErrors) {
    test(`bad usage exits 2 with one line: ${name}`, async () => {
      const { stderr, code } = await runCli(args);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(message);
    });
  }

  test("an unusable data dir exits 2 with one line", async () => {
    const file = join(tempDir("sb-cli-file-"), "not-a-dir");
    dirs.push(join(file, ".."));
    writeFileSync(file, "x");
    const { stderr, code } = await runCli(["serve", "--data", file, "--port", "0"]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("not usable");
  });

  test("a read-only data dir exits 2, also for root (a read-only bind mount)", async () => {
    const dir = dataDir();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    // Root writes through file modes, not through a read-only mount: the server runs in a mount
    // namespace of its own where the data dir is mounted read-only.
    const readOnly = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"`;
    const { stderr, code } = await runCli(["serve", "--data", dir, "--port", "0"], { command: ["unshare", "--map-root-user", "--mount", "sh", "-c", readOnly, "sh", dir, ...SOURCE_CLI] });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("not usable");
  });

  test("five processes opening one fresh data dir at once all start: each migration is applied once", async () => {
    const data = dataDir();
    const runs = await Promise.all(Array.from({ length: 5 }, (_, i) => runCli(["token", "create", `t${i}`, "--data", data])));
    expect(runs.map((run) => ({ code: run.code, stderr: run.stderr.trim() }))).toEqual(Array.from({ length: 5 }, () => ({ code: 0, stderr: "" })));
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(data, "switchboard.db"), { readonly: true });
    const versions = db.query<{ version: number }, []>("SELECT version FROM schema_migrations ORDER BY version").all().map((row) => row.version);
    expect(versions).toEqual([...new Set(versions)]);
    expect(db.query("SELECT count(*) AS n FROM api_tokens").get()).toEqual({ n: 5 });
    db.close();
  });

  test("token create prints a working token on the last line", async () => {
    const data = dataDir();
    const { stdout, code } = await runCli(["token", "create", "ci-bot", "--data", data], { env: { USER: "ci-operator", SUDO_USER: "" } });
    expect(code).toBe(0);
    const token = stdout.trim().split("\n").at(-1)!;
    expect(token).toMatch(/^sb_/);
    // Who made it is kept: the command line.
    const db = new Database(join(data, "switchboard.db"), { readonly: true });
    expect(db.query("SELECT name, created_by FROM api_tokens").all()).toEqual([{ name: "ci-bot", created_by: "command line" }]);
    db.close();
    const server = await spawnServer(["--data", data]);
    try {
      const ok = await fetch(`${server.url}/api/v1/bots`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      const bad = await fetch(`${server.url}/api/v1/bots`, { headers: { authorization: "Bearer sb_nope" } });
      expect(bad.status).toBe(401);
      // The audit log names the command and the system account that ran it; the token itself is not in it.
      const audit = (await (await fetch(`${server.url}/api/v1/audit-log?entity=api_token`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: Record<string, unknown>[] };
      expect(audit.data).toHaveLength(1);
      expect(audit.data[0]).toMatchObject({ actor: { kind: "command", name: "ci-operator", ref: "command line" }, address: null, method: "CLI", route: "switchboard token create", entity: "api_token", entity_id: "1", action: "create", status: 200, before: null, after: { id: 1, name: "ci-bot", created_by: "command line" } });
      expect(JSON.stringify(audit.data)).not.toContain(token.slice(3));
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
  });

  test("token create --bot scopes the token to that bot, --read-only lets it only read, --role gives it a role", async () => {
    const data = dataDir();
    const all = (await runCli(["token", "create", "all", "--data", data])).stdout.trim().split("\n").at(-1)!;
    const server = await spawnServer(["--data", data]);
    let scoped = "";
    let readOnly = "";
    let botA = "";
    let botB = "";
    try {
      const api = (token: string, method: string, path: string, body?: unknown) =>
        fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      botA = (await (await api(all, "POST", "/api/v1/bots", { name: "A", channel: "sms" })).json()).flow_ns;
      botB = (await (await api(all, "POST", "/api/v1/bots", { name: "B", channel: "sms" })).json()).flow_ns;
      // Tokens made while the server runs work at once (the CLI writes the same file).
      scoped = (await runCli(["token", "create", "a only", "--bot", botA, "--data", data])).stdout.trim().split("\n").at(-1)!;
      readOnly = (await runCli(["token", "create", "reader", "--read-only", "--data", data])).stdout.trim().split("\n").at(-1)!;
      expect((await api(scoped, "GET", `/api/v1/bots/${botA}`)).status).toBe(200);
      expect((await api(scoped, "GET", `/api/v1/bots/${botB}`)).status).toBe(404);
      expect((await api(readOnly, "GET", `/api/v1/bots/${botB}`)).status).toBe(200);
      const write = await api(readOnly, "PATCH", `/api/v1/bots/${botB}`, { name: "B2" });
      expect(write.status).toBe(403);
      expect((await write.json()).error.code).toBe("read_only_token");
      // --role: the token reaches what the role may (a viewer reads, never writes).
      const viewer = (await runCli(["token", "create", "auditor", "--role", "viewer", "--data", data])).stdout.trim().split("\n").at(-1)!;
      expect((await api(viewer, "GET", "/api/v1/audit-log")).status).toBe(200);
      const viewerWrite = await api(viewer, "PATCH", `/api/v1/bots/${botB}`, { name: "B3" });
      expect(viewerWrite.status).toBe(403);
      expect((await viewerWrite.json()).error.code).toBe("token_role");
      const badRole = await runCli(["token", "create", "x", "--role", "owner", "--data", data]);
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toContain("--role must be one of admin, operator, agent, viewer");
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
    expect((await runCli(["token", "create", "x", "--bot", "fnope", "--data", data])).code).toBe(2);
  });

  test("admin set-password through the CLI signs out every session of the old password", async () => {
    const data = dataDir();
    await runCli(["admin", "set-password", "--data", data], { stdin: "the first password\n" });
    const server = await spawnServer(["--data", data]);
    try {
      const login = await fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "the first password" }), redirect: "manual" });
      const cookie = /sb_session=[^;]+/.exec(login.headers.get("set-cookie") ?? "")![0];
      const home = () => fetch(`${server.url}/admin`, { headers: { cookie }, redirect: "manual" });
      expect((await home()).status).toBe(200);
      expect((await runCli(["admin", "set-password", "--data", data], { stdin: "the second password\n" })).code).toBe(0);
      const after = await home();
      expect(after.status).toBe(303);
      expect(after.headers.get("location")).toBe("/admin/login");
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
  });

  test("admin set-password --user NAME --role ROLE makes a user of that role, who signs in with the name", async () => {
    const data = dataDir();
    // Run with no account named in the environment (a service, a bare shell): the audit row names the uid's account.
    expect((await runCli(["admin", "set-password", "--data", data], { stdin: "the owner's password\n", env: { USER: "", LOGNAME: "", SUDO_USER: "" } })).code).toBe(0);
    const missingRole = await runCli(["admin", "set-password", "--user", "sam", "--data", data], { stdin: "sam's password\n" });
    expect(missingRole.code).toBe(2);
    expect(missingRole.stderr).toContain("--role must be one of owner, admin, operator, agent, viewer");
    expect((await runCli(["admin", "set-password", "--user", "sam", "--role", "boss", "--data", data], { stdin: "sam's password\n" })).code).toBe(2);
    const tooShort = await runCli(["admin", "set-password", "--user", "sam", "--role", "agent", "--data", data], { stdin: "short\n" });
    expect(tooShort.code).toBe(2);
    const made = await runCli(["admin", "set-password", "--user", "sam", "--role", "agent", "--data", data], { stdin: "sam's password\n" });
    expect(made.code).toBe(0);
    expect(made.stdout).toContain("Password of sam (agent) set");
    // In the audit log: the owner's password, the refused short one (422, nothing changed) and sam's creation; no password in any row.
    const audit = new Database(join(data, "switchboard.db"), { readonly: true });
    const rows = audit.query("SELECT actor, entity_id, action, status, before, after FROM audit_log WHERE route = 'switchboard admin set-password' ORDER BY id").all() as Record<string, unknown>[];
    audit.close();
    expect(rows[0]!.actor).toBe(Bun.spawnSync(["id", "-un"]).stdout.toString().trim());
    expect(rows.map((r) => [r.entity_id, r.status, r.before, r.after])).toEqual([
      ["1", 200, null, JSON.stringify({ username: "admin", role: "owner", disabled: false, two_factor: false })],
      [null, 422, null, null],
      ["2", 200, null, JSON.stringify({ username: "sam", role: "agent", disabled: false, two_factor: false })],
    ]);
    expect(JSON.stringify(rows)).not.toContain("sam's password");
    const server = await spawnServer(["--data", data]);
    try {
      const login = (username: string, password: string) =>
        fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ username, password }), redirect: "manual" });
      const sam = await login("sam", "sam's password");
      expect(sam.status).toBe(303);
      expect(sam.headers.get("location")).toBe("/admin/inbox");
      const cookie = /sb_session=[^;]*/.exec(sam.headers.get("set-cookie")!)![0];
      expect((await fetch(`${server.url}/admin/settings`, { headers: { cookie } })).status).toBe(403);
      expect((await login("", "the owner's password")).headers.get("location")).toBe("/admin");
      expect((await login("sam", "the owner's password")).status).toBe(401);
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
  });

  test("admin reset-two-factor turns off a locked-out owner's two factors (key and recovery codes); an unknown user is exit 2", async () => {
    const data = dataDir();
    expect((await runCli(["admin", "set-password", "--data", data], { stdin: "the owner's password\n" })).code).toBe(0);
    const db = new Database(join(data, "switchboard.db"));
    db.run("UPDATE admins SET totp_secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' WHERE username = 'admin'");
    db.run("INSERT INTO recovery_codes (admin_id, code_hash) SELECT id, 'a hash' FROM admins WHERE username = 'admin'");
    db.close();
    const server = await spawnServer(["--data", data]);
    const login = () => fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password: "the owner's password" }), redirect: "manual" });
    try {
      expect((await login()).headers.get("location")).toBe("/admin/login/two-factor");
      const reset = await runCli(["admin", "reset-two-factor", "--data", data], { env: { SUDO_USER: "alice", USER: "root" } });
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain("Two-factor sign-in of admin is off");
      // The running server reads it at the next sign-in: the password alone lets the owner in.
      const plain = await login();
      expect(plain.headers.get("location")).toBe("/admin");
      expect(plain.headers.get("set-cookie")).toContain("sb_session=");
      // The owner's Audit page shows who did it on the server's command line.
      const cookie = /sb_session=[^;]*/.exec(plain.headers.get("set-cookie")!)![0];
      const page = await (await fetch(`${server.url}/admin/audit`, { headers: { cookie } })).text();
      expect(page).toContain("alice (command line)");
      expect(page).toContain("CLI switchboard admin reset-two-factor");
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
    const check = new Database(join(data, "switchboard.db"), { readonly: true });
    expect(check.query("SELECT totp_secret, (SELECT count(*) FROM recovery_codes) AS codes FROM admins WHERE username = 'admin'").get()).toEqual({ totp_secret: null, codes: 0 });
    check.close();
    const unknown = await runCli(["admin", "reset-two-factor", "--user", "nobody", "--data", data]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no user named 'nobody'");
    // Both commands are in the audit log, run through sudo: the caller of sudo is named.
    const audit = new Database(join(data, "switchboard.db"), { readonly: true });
    const rows = audit.query("SELECT actor_kind, actor, route, entity, entity_id, action, status, before, after FROM audit_log WHERE method = 'CLI' ORDER BY id").all() as Record<string, unknown>[];
    audit.close();
    expect(rows.map((r) => [r.route, r.action, r.status])).toEqual([["switchboard admin set-password", "set-password", 200], ["switchboard admin reset-two-factor", "reset-two-factor", 200]]);
    expect(rows[1]).toMatchObject({ actor_kind: "command", actor: "alice", entity: "user", entity_id: "1" });
    expect([JSON.parse(rows[1]!.before as string), JSON.parse(rows[1]!.after as string)]).toEqual([{ two_factor: true }, { two_factor: false }]);
  });

  test("admin set-password reads standard input; the password then logs in", async () => {
    const data = dataDir();
    const short = await runCli(["admin", "set-password", "--data", data], { stdin: "short\n" });
    expect(short.code).toBe(2);
    const { code } = await runCli(["admin", "set-password", "--data", data], { stdin: "correct horse battery\n" });
    expect(code).toBe(0);
    const server = await spawnServer(["--data", data]);
    try {
      expect(server.output()).not.toContain("/admin/setup?token=");
      const login = (password: string) =>
        fetch(`${server.url}/admin/login`, { method: "POST", body: new URLSearchParams({ password }), redirect: "manual" });
      expect((await login("wrong password")).status).toBe(401);
      const ok = await login("correct horse battery");
      expect(ok.status).toBe(303);
      expect(ok.headers.get("set-cookie")).toContain("HttpOnly");
    } finally {
      server.child.kill("SIGTERM");
      await server.child.exited;
    }
  });

  test("systemd-unit prints a unit for this binary with hardening", async () => {
    const { stdout, code } = await runCli(["systemd-unit"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`ExecStart=${process.execPath} serve --data /var/lib/switchboard`);
    for (const line of ["Restart=on-failure", "StateDirectory=switchboard", "DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "[Install]"]) {
      expect(stdout).toContain(line);
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} finishes the request in flight, hands a delivery being sent back to the queue, leaves no WAL and exits 0`, async () => {
      const data = dataDir();
      const { stdout } = await runCli(["token", "create", "t", "--data", data]);
      const token = stdout.trim().split("\n").at(-1)!;
      // A gateway that never answers: the worker is mid-send when the signal comes.
      const gateway = standIn(() => new Promise<Response>(() => {}));
      const server = await spawnServer(["--data", data]);
      try {
        const api = (method: string, path: string, body?: unknown) =>
          fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
        const bot = await (await api("POST", "/api/v1/bots", { name: "Gateway", channel: "sms" })).json();
        await api("PATCH", `/api/v1/bots/${bot.flow_ns}`, { provider: "http", provider_settings: { url: `${gateway.url}/send` } });
        const contact = await (await api("POST", `/api/v1/bots/${bot.flow_ns}/contacts`, { phone: "+14155550160" })).json();
        expect((await api("POST", `/api/v1/contacts/${contact.user_ns}/messages`, { text: "On its way" })).status).toBe(201);
        for (const until = Date.now() + 10_000; gateway.received.length === 0; await Bun.sleep(10)) if (Date.now() > until) throw new Error("the worker never sent");

        // A slow upload: the request is in flight when the signal arrives.
        let push!: (chunk: string) => void;
        let end!: () => void;
        const body = new ReadableStream<string>({
          start(controller) {
            push = (chunk) => controller.enqueue(chunk);
            end = () => controller.close();
          },
        }).pipeThrough(new TextEncoderStream());
        const inFlight = fetch(`${server.url}/api/v1/bots`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body,
          duplex: "half",
        } as RequestInit);
        push('{"name": "Late');
        await Bun.sleep(200); // the request's head reaches the server before the signal does
        server.child.kill(signal);
        await server.waitFor('"msg":"stopping"');
        push(' bot", "channel": "sms"}');
        end();
        const response = await inFlight;
        expect(response.status).toBe(201);
        expect(await server.child.exited).toBe(0);
        expect(await server.finished).toContain('"msg":"stopped"');
      } finally {
        server.child.kill("SIGKILL");
        gateway.stop();
      }
      // Closed cleanly: nothing is left in a WAL, the bot is in the main file, and the delivery
      // that was being sent waits in the queue again.
      const wal = join(data, "switchboard.db-wal");
      expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
      const { Database } = await import("bun:sqlite");
      const db = new Database(join(data, "switchboard.db"), { readonly: true });
      expect(db.query("SELECT name FROM bots ORDER BY id").all()).toEqual([{ name: "Gateway" }, { name: "Late bot" }]);
      expect(db.query("SELECT state, lease_until, attempts FROM deliveries").all()).toEqual([{ state: "pending", lease_until: null, attempts: 0 }]);
      db.close();
    }, 20_000); // the worker's grace for a send in flight is 5 s
  }

  test("the data file of a newer binary is refused with exit 2", async () => {
    const data = dataDir();
    await runCli(["token", "create", "t", "--data", data]);
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(data, "switchboard.db"));
    db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (424242, 'future', 0)");
    db.close();
    const { code, stderr } = await runCli(["serve", "--data", data, "--port", "0"]);
    expect(code).toBe(2);
    expect(stderr).toContain("newer than this binary");
  });
});
