// The compiled executable, copied alone into an empty directory, serves everything it needs
// from inside itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { STATIC_FILES } from "../src/static/index";
import { ROOT, runCli, spawnServer } from "./helpers/process";
import { tempDir } from "./helpers/server";

const dir = tempDir("sb-binary-");
const binary = join(dir, "switchboard");

beforeAll(async () => {
  const build = Bun.spawn(
    [process.execPath, "build", "src/main.ts", "--compile", "--minify", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--outfile", join(dir, "build", "switchboard")],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  if ((await build.exited) !== 0) throw new Error(await new Response(build.stderr).text());
  copyFileSync(join(dir, "build", "switchboard"), binary);
  rmSync(join(dir, "build"), { recursive: true });
  require("node:fs").chmodSync(binary, 0o755);
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
    } finally {
      server.child.kill("SIGTERM");
      expect(await server.child.exited).toBe(0);
    }
  });
});
