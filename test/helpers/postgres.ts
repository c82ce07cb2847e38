// A throwaway PostgreSQL for the tests: Debian's postgresql package (the Makefile installs it
// when missing), a cluster made in a temp dir on a Unix socket only, started once per test
// process and stopped when it exits, and a fresh database for each store or server that asks.
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { PostgresDatabase } from "../../src/db/postgres/database";

const BIN_ROOT = "/usr/lib/postgresql";

function binDir(): string {
  const versions = existsSync(BIN_ROOT) ? readdirSync(BIN_ROOT).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(BIN_ROOT, v, "bin")).find((dir) => existsSync(join(dir, "initdb")));
  if (!found) throw new Error("PostgreSQL is not installed: `make test` installs Debian's postgresql package when run as root; or `apt-get install postgresql`");
  return found;
}

let cluster: { dir: string; url: (database: string) => string } | null = null;

/** PostgreSQL refuses to run as root: the cluster then belongs to the package's postgres user. */
function run(args: string[]): void {
  const asRoot = userInfo().uid === 0;
  const command = asRoot ? ["runuser", "-u", "postgres", "--", ...args] : args;
  const result = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr.toString()}${result.stdout.toString()}`);
}

/** The cluster of this test process (started on first use). */
export function testCluster(): { dir: string; url: (database: string) => string } {
  if (cluster) return cluster;
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "sb-postgres-"));
  if (userInfo().uid === 0) chownSync(dir, Number(Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim()), 0);
  run([join(bin, "initdb"), "-D", join(dir, "data"), "--auth=trust", "-U", "switchboard", "-E", "UTF8", "--locale=C.UTF-8"]);
  run([join(bin, "pg_ctl"), "-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-o", `-c listen_addresses='' -c unix_socket_directories=${dir} -c max_connections=300 -c fsync=on`, "start"]);
  process.on("exit", () => {
    Bun.spawnSync(userInfo().uid === 0 ? ["runuser", "-u", "postgres", "--", join(bin, "pg_ctl"), "-D", join(dir, "data"), "-m", "immediate", "stop"] : [join(bin, "pg_ctl"), "-D", join(dir, "data"), "-m", "immediate", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  });
  cluster = { dir, url: (database) => `postgres://switchboard@localhost/${database}?host=${dir}` };
  return cluster;
}

let created = 0;

/** A new, empty database in the test cluster, and how to drop it. */
export function freshPostgresDatabase(): { url: string; drop(): void } {
  const { url } = testCluster();
  const name = `sb_${process.pid}_${++created}`;
  const admin = new PostgresDatabase(url("postgres"));
  try {
    admin.run(`CREATE DATABASE ${name}`);
  } finally {
    admin.close();
  }
  return {
    url: url(name),
    drop() {
      const again = new PostgresDatabase(url("postgres"));
      try {
        again.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        again.close();
      }
    },
  };
}

/** Which engine the server tests run on: SWITCHBOARD_TEST_ENGINE=postgres (`make test-postgres`) or SQLite. */
export const testEngine = (): "postgres" | "sqlite" => (process.env.SWITCHBOARD_TEST_ENGINE === "postgres" ? "postgres" : "sqlite");
