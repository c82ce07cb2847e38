/** @jsxImportSource @kitajs/html */
// Admin routes for inbound webhooks: create from the bot page, and the editor's sections.
import { Elysia } from "elysia";
import type { Clock } from "../../lib/clock";
import { DEFAULT_OVERLAP_HOURS } from "../../lib/secret-rotation";
import { errors } from "../../http/errors";
import type { Bots } from "../bots/service";
import type { Fields } from "../fields/service";
import type { Logs, WebhookLog } from "../inbound/logs";
import type { Contacts } from "../contacts/service";
import { OUTCOMES, type Mapping } from "../inbound/model";
import type { Receiver } from "../inbound/receiver";
import type { Webhook, Webhooks } from "../inbound/service";
import type { Settings } from "../settings/service";
import type { Accounts } from "./accounts";
import { formError, formOf, html, redirect, section, sessionGuard, type Markup } from "./http";
import { WebhookPage } from "../../../views/pages/webhook";
import { WebhooksSection } from "../../../views/partials/webhooks";
import { ActionPreview, ActionsSection, ConditionsSection, ConfigSection, ExampleSection, HeadSection, LimitsSection, ReplySection, ruleFromForm, TestSection, TestSource, type ConfigProps } from "../../../views/partials/webhook-editor";
import { readAt } from "../../lib/json-path";
import { LogDetail, LogRows, LogsSection, ReplayConfirm } from "../../../views/partials/webhook-logs";
import type { Preview } from "../inbound/preview";
import type { TestPayloads } from "../inbound/test-payloads";
import type { Replays } from "../inbound/replays";
import { BulkReplayJob, BulkReplaySection, type BulkFilter } from "../../../views/partials/bulk-replay";

export interface WebhookPagesDeps {
  accounts: Accounts;
  clock: Clock;
  bots: Bots;
  fields: Fields;
  settings: Settings;
  webhooks: Webhooks;
  logs: Logs;
  contacts: Contacts;
  receiver: Receiver;
  preview: Preview;
  testPayloads: TestPayloads;
  replays: Replays;
  publicUrl: () => string;
}

/** A datetime-local value ("2026-11-23T10:00") read as UTC, as the form says; empty stays empty. */
const utcTime = (value: string | undefined) => (value?.trim() ? (/(Z|[+-]\d\d:\d\d)$/.test(value.trim()) ? value.trim() : `${value.trim()}Z`) : undefined);

/** An http_request body from the form: JSON when it parses (rendered value by value), else text. */
function httpBody(text: string | undefined): unknown {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  try {
    const parsed = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === "object" ? parsed : trimmed;
  } catch {
    return trimmed;
  }
}

export function webhookPages(deps: WebhookPagesDeps) {
  const { clock, bots, fields, settings, webhooks, logs, receiver, preview, testPayloads, replays, publicUrl } = deps;
  const bulkFilter = (form: Record<string, string | undefined>): BulkFilter => ({ outcome: form.outcome ?? "", from: form.from ?? "", to: form.to ?? "" });
  const asReplayFilter = (filter: BulkFilter) => ({ outcome: filter.outcome || undefined, from: utcTime(filter.from), to: utcTime(filter.to) });
  const bulkSection = (webhook: Webhook, extra: { filter?: BulkFilter; confirm?: { count: number; until_log_id: number }; error?: string } = {}) =>
    BulkReplaySection({ webhook, outcomes: OUTCOMES, jobs: replays.list(webhook), ...extra });
  const urlOf = (webhook: Webhook) => `${publicUrl()}/hooks/${webhook.token}`;
  const config = (webhook: Webhook, extra: { pendingPath?: string; pendingMapping?: ConfigProps["pendingMapping"]; error?: string } = {}) =>
    ConfigSection({ webhook, fields: fields.list(webhook.bot_id), preview: preview.preview(webhook, webhook.example) as never, ...extra });
  const contactsOf = (rows: WebhookLog[]) => deps.contacts.byUserNs(rows.flatMap((log) => (log.user_ns ? [log.user_ns] : [])));
  const logsSection = (webhook: Webhook, outcome = "", cursor?: string, detailId?: number) => {
    const page = logs.list(webhook.id, { outcome: outcome || undefined, limit: 25, cursor });
    return LogsSection({ webhookId: webhook.id, logs: page.data, contacts: contactsOf(page.data), outcomes: OUTCOMES, outcome, nextCursor: page.next_cursor, detail: detailId ? logs.get(webhook.id, detailId) : undefined });
  };
  const conditionsSection = (webhook: Webhook, extra: { typed?: Record<string, string | undefined>; error?: string } = {}) =>
    ConditionsSection({ webhook, preview: preview.previewConditions(webhook), ...extra });
  // The mapping previews change with the example: swap them too, out of band.
  const withOob = (markup: Markup, id: string) => String(markup).replace(`id="${id}"`, `id="${id}" hx-swap-oob="true"`);
  const outOfBand = (markup: Markup) => withOob(markup, "wh-config");
  /** Everything that previews the example, swapped out of band when the example changes. */
  const examplePreviews = (webhook: Webhook) => outOfBand(config(webhook)) + withOob(conditionsSection(webhook), "wh-conditions") + withOob(TestSource({ webhook, payloads: testPayloads.list(webhook.id) }), "wh-test-source");
  const testSection = (webhook: Webhook, extra: { selected?: number; typed?: { body?: string; name?: string }; error?: string } = {}) =>
    TestSection({ webhook, path: new URL(urlOf(webhook)).pathname, payloads: testPayloads.list(webhook.id), selected: extra.selected ? testPayloads.get(webhook.id, extra.selected) : undefined, typed: extra.typed, error: extra.error });
  /** Runs a change through the same validation as the API; its error shows in the section. */
  const change = (id: number, patch: Parameters<Webhooks["update"]>[1], render: (webhook: Webhook, error?: string) => Markup) =>
    section(() => render(webhooks.update(id, patch)), (error) => render(webhooks.get(id), error));

  return new Elysia({ name: "admin-webhook-pages", prefix: "/admin" })
    .use(sessionGuard({ accounts: deps.accounts, publicUrl: deps.publicUrl }))
    .post("/bots/:flow_ns/webhooks", ({ params, body, isHtmx }) => {
      const bot = bots.get(params.flow_ns);
      const result = formError(
        () => webhooks.create(bot, String(formOf(body).name ?? "").trim() || "Inbound webhook"),
        (error) => WebhooksSection({ bot, webhooks: webhooks.listForBot(bot.id), max: settings.get().max_inbound_webhooks_per_bot, error }),
      );
      return result instanceof Response ? result : redirect(`/admin/webhooks/${result.id}`, isHtmx);
    })
    .get("/webhooks/:id", ({ params, session }) => {
      const webhook = webhooks.get(Number(params.id));
      const page = logs.list(webhook.id, { limit: 25 });
      return html(WebhookPage({
        csrf: session!.csrf_token, nav: session!.nav,
        bot: webhooks.botOf(webhook),
        webhook,
        url: urlOf(webhook),
        listening: webhooks.isListening(webhook, clock.now()),
        fields: fields.list(webhook.bot_id),
        preview: preview.preview(webhook, webhook.example) as never,
        conditionsPreview: preview.previewConditions(webhook),
        testPayloads: testPayloads.list(webhook.id),
        replays: replays.list(webhook),
        outcomes: OUTCOMES,
        logs: page.data,
        contacts: contactsOf(page.data),
        nextCursor: page.next_cursor,
        now: clock.now(),
      }));
    })
    .post("/webhooks/:id/name", ({ params, body }) =>
      change(Number(params.id), { name: String(formOf(body).name ?? "").trim() }, (webhook, error) => HeadSection({ webhook, url: urlOf(webhook), error })),
    )
    .post("/webhooks/:id/active", ({ params, body }) =>
      change(Number(params.id), { active: formOf(body).active === "1" }, (webhook, error) => HeadSection({ webhook, url: urlOf(webhook), error })),
    )
    .post("/webhooks/:id/delete", ({ params, isHtmx }) => {
      const webhook = webhooks.get(Number(params.id));
      const bot = webhooks.botOf(webhook);
      webhooks.remove(webhook.id);
      return redirect(`/admin/bots/${bot.flow_ns}`, isHtmx);
    })
    .get("/webhooks/:id/example", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      const listening = webhooks.isListening(webhook, clock.now());
      // A captured request fills the tree, the mapping previews and the test panel at once.
      const oob = listening ? "" : examplePreviews(webhook);
      return html(String(ExampleSection({ webhook, listening, now: clock.now() })) + oob);
    })
    .post("/webhooks/:id/listen/cancel", ({ params }) => html(ExampleSection({ webhook: webhooks.stopListening(Number(params.id)), listening: false, now: clock.now() })))
    .post("/webhooks/:id/example", ({ params, body }) => {
      const id = Number(params.id);
      const text = String(formOf(body).example ?? "").trim();
      let example: unknown = null;
      try {
        example = text ? JSON.parse(text) : null;
      } catch (error) {
        return html(ExampleSection({ webhook: webhooks.get(id), listening: false, now: clock.now(), typed: text, error: `That is not valid JSON: ${(error as Error).message}` }), 422);
      }
      const webhook = webhooks.update(id, { example });
      return html(String(ExampleSection({ webhook, listening: webhooks.isListening(webhook, clock.now()), now: clock.now() })) + examplePreviews(webhook));
    })
    .post("/webhooks/:id/listen", ({ params }) => html(ExampleSection({ webhook: webhooks.startListening(Number(params.id)), listening: true, now: clock.now() })))
    .post("/webhooks/:id/pick", ({ params, body }) => {
      const form = formOf(body);
      const webhook = webhooks.get(Number(params.id));
      const path = String(form.path ?? "");
      if (form.as === "map") return html(config(webhook, { pendingPath: path }));
      if (form.as === "condition") {
        // "Only when equal to this": the example's value at the path (a scalar; else "exists").
        const value = readAt(webhook.example, path);
        const rule = value === null || ["string", "number", "boolean"].includes(typeof value) ? { path, op: "equals", value } : { path, op: "exists" };
        const rules = [...(webhook.conditions?.rules ?? []), rule];
        return change(webhook.id, { conditions: { match: webhook.conditions?.match ?? "all", rules } }, (w, error) => conditionsSection(w, { error }));
      }
      if (form.as !== "user_ns" && form.as !== "phone" && form.as !== "email") throw errors.validation("Pick user_ns, phone, email, map or condition.");
      return change(webhook.id, { identify: { ...webhook.identify, [form.as]: path } }, (w, error) => config(w, { error }));
    })
    .post("/webhooks/:id/conditions", ({ params, body }) => {
      const form = formOf(body);
      const webhook = webhooks.get(Number(params.id));
      const rules = [...(webhook.conditions?.rules ?? []), ruleFromForm(form)];
      return section(
        () => conditionsSection(webhooks.update(webhook.id, { conditions: { match: webhook.conditions?.match ?? "all", rules } as never })),
        (error) => conditionsSection(webhooks.get(webhook.id), { typed: form, error }),
      );
    })
    .post("/webhooks/:id/conditions/match", ({ params, body }) => {
      const webhook = webhooks.get(Number(params.id));
      if (!webhook.conditions) return html(conditionsSection(webhook));
      const match = formOf(body).match === "any" ? "any" : "all";
      return change(webhook.id, { conditions: { ...webhook.conditions, match } }, (w, error) => conditionsSection(w, { error }));
    })
    .post("/webhooks/:id/conditions/:index/delete", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      const rules = (webhook.conditions?.rules ?? []).filter((_, i) => i !== Number(params.index));
      const conditions = webhook.conditions && rules.length > 0 ? { ...webhook.conditions, rules } : null;
      return change(webhook.id, { conditions }, (w, error) => conditionsSection(w, { error }));
    })
    .post("/webhooks/:id/reply", ({ params, body }) => {
      const form = formOf(body);
      const id = Number(params.id);
      if (form.default === "1") return change(id, { reply: null }, (webhook, error) => ReplySection({ webhook, error }));
      const text = String(form.body ?? "").trim();
      const typed = { status: form.status, body: text };
      let replyBody: unknown;
      try {
        replyBody = JSON.parse(text);
      } catch (error) {
        return html(ReplySection({ webhook: webhooks.get(id), typed, error: `The body is not valid JSON: ${(error as Error).message}` }), 422);
      }
      const reply = { status: Number(form.status ?? 200), body: replyBody };
      return section(() => ReplySection({ webhook: webhooks.update(id, { reply } as never) }), (error) => ReplySection({ webhook: webhooks.get(id), typed, error }));
    })
    .get("/webhooks/:id/test", ({ params, query }) => {
      const webhook = webhooks.get(Number(params.id));
      const selected = Number(query.payload) ? testPayloads.get(webhook.id, Number(query.payload)) : undefined;
      return html(TestSource({ webhook, payloads: testPayloads.list(webhook.id), selected }));
    })
    .post("/webhooks/:id/test-payloads", ({ params, body }) => {
      const form = formOf(body);
      const webhook = webhooks.get(Number(params.id));
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(form.body ?? ""));
      } catch (error) {
        return html(testSection(webhook, { typed: { body: form.body, name: form.name }, error: `The body is not valid JSON: ${(error as Error).message}` }), 422);
      }
      // A name already saved is that payload's new body: "Save" keeps a payload up to date.
      const name = String(form.name ?? "").trim();
      const existing = testPayloads.list(webhook.id).find((payload) => payload.name === name);
      return section(
        () => testSection(webhook, { selected: (existing ? testPayloads.update(webhook.id, existing.id, { body: parsed }) : testPayloads.create(webhook.id, { name, body: parsed })).id }),
        (error) => testSection(webhook, { typed: { body: form.body, name: form.name }, error }),
      );
    })
    .post("/webhooks/:id/test-payloads/:payload_id/delete", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      testPayloads.remove(webhook.id, Number(params.payload_id));
      return html(testSection(webhook));
    })
    .get("/webhooks/:id/replays/check", ({ params, query }) => {
      const webhook = webhooks.get(Number(params.id));
      const filter = bulkFilter(query as Record<string, string>);
      return section(() => bulkSection(webhook, { filter, confirm: replays.preview(webhook, asReplayFilter(filter)) }), (error) => bulkSection(webhook, { filter, error }));
    })
    .post("/webhooks/:id/replays", ({ params, body }) => {
      const webhook = webhooks.get(Number(params.id));
      const form = formOf(body);
      const filter = bulkFilter(form);
      return section(() => {
        replays.start(webhook, { ...asReplayFilter(filter), until_log_id: Number(form.until_log_id), expected_count: Number(form.expected_count) });
        return bulkSection(webhook);
      }, (error) => bulkSection(webhook, { filter, error }));
    })
    .get("/webhooks/:id/replays/:replay_id", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      return html(BulkReplayJob({ webhook, job: replays.get(webhook, Number(params.replay_id)) }));
    })
    .post("/webhooks/:id/replays/:replay_id/cancel", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      return html(BulkReplayJob({ webhook, job: replays.cancel(webhook, Number(params.replay_id)) }));
    })
    .post("/webhooks/:id/identify", ({ params, body }) => {
      const form = formOf(body);
      const identify = { user_ns: form.user_ns?.trim() || null, phone: form.phone?.trim() || null, email: form.email?.trim() || null };
      return change(Number(params.id), { identify }, (webhook, error) => config(webhook, { error }));
    })
    .post("/webhooks/:id/mappings", ({ params, body }) => {
      const form = formOf(body);
      const webhook = webhooks.get(Number(params.id));
      const path = String(form.path ?? "").trim();
      const newField = String(form.new_field ?? "").trim();
      return section(() => {
        // A new field is created first; the mapping then points at it.
        const field = newField ? fields.create(webhook.bot_id, { name: newField, type: (form.new_type ?? "text") as never }).name : String(form.field ?? "");
        const mappings: Mapping[] = [...webhook.mappings, { path, field }];
        return config(webhooks.update(webhook.id, { mappings }));
      }, (error) => config(webhooks.get(webhook.id), { pendingPath: path, pendingMapping: { field: form.field, new_field: newField, new_type: form.new_type }, error }));
    })
    .post("/webhooks/:id/mappings/:index/delete", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      const mappings = webhook.mappings.filter((_, i) => i !== Number(params.index));
      return change(webhook.id, { mappings }, (w, error) => config(w, { error }));
    })
    .post("/webhooks/:id/actions", ({ params, body }) => {
      const form = formOf(body);
      const webhook = webhooks.get(Number(params.id));
      const action: Record<string, unknown> = { type: form.type };
      if (form.type === "send_text") action.text = form.text ?? "";
      if (form.type === "add_tag" || form.type === "remove_tag") action.tag = form.tag ?? "";
      if (form.type === "set_field") Object.assign(action, { field: form.field, value: form.value ?? "" });
      if (form.type === "pause_bot") action.minutes = form.minutes ? Number(form.minutes) : null;
      if (form.type === "http_request") Object.assign(action, { url: form.url ?? "", method: form.method ?? "POST", body: httpBody(form.body) });
      if (form.type === "http_request" && form.response?.trim()) {
        try {
          action.response = JSON.parse(form.response);
        } catch (error) {
          return html(ActionsSection({ webhook, fields: fields.list(webhook.bot_id), typed: form, error: `'With the response' is not valid JSON: ${(error as Error).message}` }), 422);
        }
      }
      if (form.when_path?.trim()) action.when = { match: "all", rules: [ruleFromForm(form, "when_")] };
      // A refused action comes back as typed, with its type still chosen.
      const render = (w: Webhook, error?: string) => ActionsSection({ webhook: w, fields: fields.list(w.bot_id), typed: error ? form : undefined, error });
      return change(webhook.id, { actions: [...webhook.actions, action] }, render);
    })
    .post("/webhooks/:id/actions/preview", ({ params, body }) => {
      const webhook = webhooks.get(Number(params.id));
      return html(ActionPreview({ text: preview.previewTemplate(webhook, String(formOf(body).text ?? "")) }));
    })
    .post("/webhooks/:id/actions/:index/delete", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      const actions = webhook.actions.filter((_, i) => i !== Number(params.index));
      return change(webhook.id, { actions }, (w, error) => ActionsSection({ webhook: w, fields: fields.list(w.bot_id), error }));
    })
    .post("/webhooks/:id/limits", ({ params, body }) => {
      const form = formOf(body);
      const capacity = Number(form.capacity);
      const refill = Number(form.refill_seconds);
      const id = Number(params.id);
      if (!Number.isInteger(capacity) || capacity < 1 || !Number.isInteger(refill) || refill < 1) {
        return html(LimitsSection({ webhook: webhooks.get(id), error: "Requests and seconds must be whole numbers of at least 1.", now: clock.now() }), 422);
      }
      const patch = { rate_limit: { capacity, refill_seconds: refill }, idempotency_path: form.idempotency_path?.trim() || null };
      return change(id, patch, (webhook, error) => LimitsSection({ webhook, error, now: clock.now() }));
    })
    .post("/webhooks/:id/secret", ({ params, body }) => {
      const id = Number(params.id);
      const action = formOf(body).do;
      // Rotating keeps the current secret valid for a day beside the new one; removing is at once.
      if (action === "generate") {
        const { webhook, secret } = webhooks.rotateSecret(id, DEFAULT_OVERLAP_HOURS);
        return html(LimitsSection({ webhook, newSecret: secret, now: clock.now() }));
      }
      return html(LimitsSection({ webhook: webhooks.update(id, { signing_secret: null }), now: clock.now() }));
    })
    .get("/webhooks/:id/logs", ({ params, query }) => html(logsSection(webhooks.get(Number(params.id)), String(query.outcome ?? ""), query.cursor || undefined)))
    .get("/webhooks/:id/logs/rows", ({ params, query }) => {
      const webhook = webhooks.get(Number(params.id));
      const outcome = String(query.outcome ?? "");
      const page = logs.list(webhook.id, { outcome: outcome || undefined, limit: 25 });
      return html(LogRows({ webhookId: webhook.id, logs: page.data, contacts: contactsOf(page.data), outcome, nextCursor: page.next_cursor }));
    })
    .get("/webhooks/:id/logs/:log_id", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      return html(LogDetail({ webhookId: webhook.id, log: logs.get(webhook.id, Number(params.log_id)) }));
    })
    .get("/webhooks/:id/logs/:log_id/replay", ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      return html(ReplayConfirm({ webhook, log: logs.get(webhook.id, Number(params.log_id)) }));
    })
    .post("/webhooks/:id/logs/:log_id/replay", async ({ params }) => {
      const webhook = webhooks.get(Number(params.id));
      const answer = await receiver.replay(webhook, Number(params.log_id));
      return html(logsSection(webhook, "", undefined, answer.logId));
    });
}
