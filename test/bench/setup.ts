// What every benchmark run sets up through the real API: the ingest webhook of issue 6 and
// the two webhooks the rejection runs need.
export function api(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
}

/** The ingest setup of the issue: identification by phone, 3 mappings, an add_tag action. */
export async function setUpIngest(url: string, token: string) {
  const call = api(url, token);
  const bot = await call("POST", "/api/v1/bots", { name: "Bench SMS", channel: "sms", default_country: "US" });
  await call("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "booking_date", type: "date" });
  await call("POST", `/api/v1/bots/${bot.flow_ns}/fields`, { name: "party_size", type: "number" });
  const ingestSettings = {
    active: true,
    identify: { phone: "contact.phone" },
    mappings: [
      { path: "contact.first_name", field: "first_name" },
      { path: "booking.date", field: "booking_date" },
      { path: "booking.party_size", field: "party_size" },
    ],
    actions: [{ type: "add_tag", tag: "lead" }],
    rate_limit: { capacity: 1_000_000, refill_seconds: 1 },
  };
  const hook = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "ingest" });
  await call("PATCH", `/api/v1/inbound-webhooks/${hook.id}`, ingestSettings);
  // The same webhook with three conditions every lead meets (one a pattern) and a reply template.
  const conditioned = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "ingest with conditions and reply" });
  await call("PATCH", `/api/v1/inbound-webhooks/${conditioned.id}`, {
    ...ingestSettings,
    conditions: {
      match: "all",
      rules: [
        { path: "event", op: "equals", value: "lead.created" },
        { path: "booking.party_size", op: "greater_than", value: 0 },
        { path: "contact.email", op: "matches", value: "(?i)@example\\.com$" },
      ],
    },
    reply: { status: 201, body: { id: "{{user_ns}}", created: "{{created}}", party: "{{payload.booking.party_size}}", text: "Thanks {{first_name}}!" } },
  });
  const limited = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "limited" });
  await call("PATCH", `/api/v1/inbound-webhooks/${limited.id}`, { active: true, rate_limit: { capacity: 1, refill_seconds: 2_000_000 } });
  const inactive = await call("POST", `/api/v1/bots/${bot.flow_ns}/inbound-webhooks`, { name: "inactive" });
  return { bot, hook, hookUrl: `${url}${new URL(hook.url).pathname}`, conditionedUrl: `${url}${new URL(conditioned.url).pathname}`, limitedUrl: `${url}${new URL(limited.url).pathname}`, inactiveUrl: `${url}${new URL(inactive.url).pathname}` };
}