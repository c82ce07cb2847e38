// Starts the real server on a random port with a fresh data dir, and talks to it over HTTP.
import { expect } from "bun:test";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Config } from "../../src/config";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server";
import { freshPostgresDatabase, testEngine } from "./postgres";

export function tempDir(prefix = "sb-test-"): string {
  const root = join(tmpdir(), "switchboard-tests");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}

const postgresByDataDir = new Map<string, ReturnType<typeof freshPostgresDatabase>>();
function databaseOf(dataDir: string) {
  let database = postgresByDataDir.get(dataDir);
  if (!database) postgresByDataDir.set(dataDir, (database = freshPostgresDatabase()));
  return database;
}

export interface TestServer extends RunningServer {
  dataDir: string;
  token: string;
  announced: string[];
  logs: Record<string, unknown>[];
  /** fetch with the API token; `body` objects are sent as JSON. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}, options: Pick<ServerOptions, "clock" | "workerOptions" | "freeBytes"> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir();
  const announced: string[] = [];
  const logs: Record<string, unknown>[] = [];
  // `make test-postgres` runs the server tests again, each data dir with a database of its own
  // (a server restarted on the same data dir finds what the first one stored).
  const postgres = testEngine() === "postgres" && overrides.databaseUrl === undefined ? databaseOf(dataDir) : null;
  const server = await startServer(
    { host: "127.0.0.1", port: 0, dataDir, databaseUrl: postgres?.url ?? null, publicUrl: "", trustedProxies: "", adminPassword: null, durability: "full", ...overrides },
    { log: (line) => logs.push(line), announce: (line) => announced.push(line), ...options },
  );
  const { token } = server.services.tokens.create("test suite");
  // Requests go to the real socket, whatever public URL the server was told it has.
  const url = `http://127.0.0.1:${server.port}`;
  return {
    ...server,
    url,
    dataDir,
    token,
    announced,
    logs,
    api(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      return fetch(`${url}${path}`, init);
    },
    async close() {
      await server.stop();
      postgres?.drop();
      postgresByDataDir.delete(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTP scenario: what is sent and what must (and must not) come back (PocketBase's ApiScenario is the model). */
export interface Scenario {
  name: string;
  method: string;
  path: string;
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no API token. */
  noAuth?: boolean;
  status: number;
  /** The error's code, for an error answer. */
  errorCode?: string;
  /** Text the answer must contain, and must not. */
  contains?: string[];
  notContains?: string[];
  /** Response headers that must have these values (null: absent). */
  expectHeaders?: Record<string, string | null>;
}

/** Sends the scenario's request and asserts all it names; returns the answer for more checks. */
export async function runScenario(server: TestServer, s: Scenario) {
  const body = s.body === undefined || typeof s.body === "string" || s.body instanceof Uint8Array ? (s.body as BodyInit | undefined) : JSON.stringify(s.body);
  const headers = { ...(body !== undefined && typeof s.body === "object" && !(s.body instanceof Uint8Array) ? { "content-type": "application/json" } : {}), ...(s.noAuth ? {} : { authorization: `Bearer ${server.token}` }), ...s.headers };
  const response = await fetch(`${server.url}${s.path}`, { method: s.method, headers, body });
  const text = await response.text();
  const json = text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  expect({ scenario: s.name, status: response.status }).toEqual({ scenario: s.name, status: s.status });
  if (s.errorCode !== undefined) {
    expect({ scenario: s.name, code: json?.error?.code }).toEqual({ scenario: s.name, code: s.errorCode });
    expect(typeof json.error.message === "string" && json.error.message.length > 0).toBe(true);
  }
  for (const part of s.contains ?? []) expect(text).toContain(part);
  for (const part of s.notContains ?? []) expect(text).not.toContain(part);
  for (const [name, value] of Object.entries(s.expectHeaders ?? {})) expect({ scenario: s.name, [name]: response.headers.get(name) }).toEqual({ scenario: s.name, [name]: value });
  return { response, text, json };
}
