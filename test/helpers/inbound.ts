// Setting up a bot with an inbound webhook through the API, and posting to it.
import type { TestServer } from "./server";

export async function createBot(server: TestServer, body: Record<string, unknown> = { name: "Leads", channel: "sms", default_country: "US" }) {
  const response = await server.api("POST", "/api/v1/bots", body);
  if (response.status !== 201) throw new Error(await response.text());
  return (await response.json()) as { flow_ns: string };
}

export async function createWebhook(server: TestServer, flowNs: string, patch: Record<string, unknown> = {}) {
  const created = await server.api("POST", `/api/v1/bots/${flowNs}/inbound-webhooks`, { name: "Lead form" });
  if (created.status !== 201) throw new Error(await created.text());
  const webhook = (await created.json()) as { id: number; url: string; [key: string]: unknown };
  if (Object.keys(patch).length) {
    const patched = await server.api("PATCH", `/api/v1/inbound-webhooks/${webhook.id}`, patch);
    if (patched.status !== 200) throw new Error(await patched.text());
    return (await patched.json()) as { id: number; url: string; [key: string]: unknown };
  }
  return webhook;
}

/** The receiver URL on the real socket (the webhook's `url` uses the public URL). */
export const hookUrl = (server: TestServer, webhook: { url: string }) => `${server.url}${new URL(webhook.url).pathname}`;

export function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
  });
}

export function count(server: TestServer, sql: string, ...params: (string | number)[]): number {
  return (server.db.query(sql).get(...params) as { n: number }).n;
}
