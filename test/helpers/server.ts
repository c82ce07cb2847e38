// Starts the real server on a random port with a fresh data dir, and talks to it over HTTP.
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Config } from "../../src/config";
import { startServer, type RunningServer, type ServerOptions } from "../../src/server";

export function tempDir(prefix = "sb-test-"): string {
  const root = join(tmpdir(), "switchboard-tests");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
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

export async function startTestServer(overrides: Partial<Config> = {}, options: Pick<ServerOptions, "clock" | "workerOptions"> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir();
  const announced: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const server = await startServer(
    { host: "127.0.0.1", port: 0, dataDir, publicUrl: "", trustedProxies: "", adminPassword: null, ...overrides },
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One HTTP scenario: what is sent and what must (and must not) come back. */
export interface Scenario {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  noAuth?: boolean;
  status: number;
  errorCode?: string;
  contains?: string[];
  notContains?: string[];
}

export async function runScenario(server: TestServer, s: Scenario) {
  const response = s.noAuth
    ? await fetch(`${server.url}${s.path}`, { method: s.method, headers: s.headers, body: s.body === undefined ? undefined : typeof s.body === "string" ? s.body : JSON.stringify(s.body) })
    : await server.api(s.method, s.path, s.body, s.headers);
  const text = await response.text();
  return { response, text, json: text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined };
}
