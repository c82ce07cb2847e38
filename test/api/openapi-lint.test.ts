// The OpenAPI document as served, checked by a tool nobody here wrote: Redocly's lint (the
// pinned @redocly/cli, its recommended rules) finds no error, and the only warnings are the
// explained ones.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { startTestServer, tempDir, type TestServer } from "../helpers/server";

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = tempDir("sb-openapi-");
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Problem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { pointer: string }[];
}

async function lint(document: unknown): Promise<{ totals: { errors: number; warnings: number }; problems: Problem[] }> {
  const file = join(dir, "openapi.json");
  await Bun.write(file, JSON.stringify(document));
  const cli = join(import.meta.dir, "../../node_modules/@redocly/cli/bin/cli.js");
  const run = Bun.spawn([process.execPath, cli, "lint", file, "--format=json"], {
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  return JSON.parse(out);
}

describe("the OpenAPI document", () => {
  test("Redocly's lint: no error; the only warnings are 4XX-less public reads that take no input", async () => {
    const document = await (await fetch(`${server.url}/docs/json`)).json();
    const result = await lint(document);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(result.totals.errors).toBe(0);
    // GET /healthz, /metrics and the docs pages take nothing from the caller, so no 4XX applies
    // to them (a wrong method is 405 on every path, not part of one operation).
    const warnings = result.problems.map((p) => `${p.ruleId} ${p.location[0]!.pointer}`).sort();
    expect(warnings).toEqual([
      "operation-4xx-response #/paths/~1docs/get/responses",
      "operation-4xx-response #/paths/~1docs~1guide/get/responses",
      "operation-4xx-response #/paths/~1docs~1json/get/responses",
      "operation-4xx-response #/paths/~1healthz/get/responses",
      "operation-4xx-response #/paths/~1metrics/get/responses",
    ]);
  });

  test("every operation documents a success answer, and every error answer has the error shape", async () => {
    const document = await (await fetch(`${server.url}/docs/json`)).json();
    const operations = Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>)
      .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, responses: operation.responses })));
    expect(operations.length).toBeGreaterThan(90);
    for (const { name, responses } of operations) {
      expect({ name, success: Object.keys(responses).some((status) => status.startsWith("2")) }).toEqual({ name, success: true });
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status) || name === "GET /healthz") continue;
        const ref = response.content?.["application/json"]?.schema.$ref;
        expect({ name, status, ref }).toEqual({ name, status, ref: name.includes(" /api/") && !name.includes(" /api/v1/") ? "#/components/schemas/SubscriberError" : "#/components/schemas/Error" });
      }
    }
  });

  test("public routes need no token; the rest name the bearer scheme", async () => {
    const document = await (await fetch(`${server.url}/docs/json`)).json();
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const path of ["/healthz", "/metrics", "/hooks/{token}", "/channels/{channel_token}/messages", "/channels/{channel_token}/twilio", "/docs"]) {
      for (const operation of Object.values(document.paths[path] as Record<string, { security?: unknown }>)) expect({ path, security: operation.security }).toEqual({ path, security: [] });
    }
    expect(document.paths["/api/v1/bots"].get.security).toBeUndefined();
  });

  test("default_country: the codes the document lists are taken, the rest refused with invalid_country", async () => {
    const document = await (await fetch(`${server.url}/docs/json`)).json();
    const schema = document.paths["/api/v1/bots"].post.requestBody.content["application/json"].schema.properties.default_country;
    const listed: (string | null)[] = schema.enum;
    expect(listed).toEqual(expect.arrayContaining(["", "US", "us", "GB", "DE", null]));
    expect(listed).not.toContain("ZZ");
    expect(schema.type).toEqual(["string", "null"]);
    for (const code of ["US", "de", "", null]) expect((await server.api("POST", "/api/v1/bots", { name: "Listed", channel: "sms", default_country: code })).status).toBe(201);
    for (const code of ["ZZ", "Us", "USA", 1]) {
      const response = await server.api("POST", "/api/v1/bots", { name: "Not listed", channel: "sms", default_country: code });
      expect({ code, status: response.status, error: (await response.json()).error.code }).toEqual({ code, status: 422, error: "invalid_country" });
    }
  });

  test("flow_ns: optional in the document, and the 422 an installation-wide token gets without it is documented", async () => {
    const document = await (await fetch(`${server.url}/docs/json`)).json();
    const operation = document.paths["/api/flow/tags"].get;
    const flowNs = operation.parameters.find((p: { name: string }) => p.name === "flow_ns");
    expect(flowNs.required).toBe(false);
    expect(flowNs.schema.description).toContain("flow_ns_required");
    expect(operation.responses["422"].description).toContain("flow_ns_required");
    const response = await server.api("GET", "/api/flow/tags");
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe("flow_ns_required");
  });
});
