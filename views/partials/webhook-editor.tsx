/** @jsxImportSource @kitajs/html */
// The inbound webhook editor's sections. Each is swapped on its own by its id.
import type { Webhook } from "../../src/modules/inbound/service";
import type { CustomField } from "../../src/modules/fields/service";
import { ErrorText } from "../layout";
import { utc } from "../format";
import { JsonTree } from "./json-tree";
import { describeAction, describeWhen } from "../describe";
import { describeRule, type ConditionOp, type RuleResult } from "../../src/lib/conditions";
import type { TestPayload } from "../../src/modules/inbound/test-payloads";

const base = (webhook: Webhook) => `/admin/webhooks/${webhook.id}`;
const pretty = (value: unknown) => (value === null || value === undefined ? "" : JSON.stringify(value, null, 2));

/** m:ss of a window still open (the page counts it down by itself). */
export function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function HeadSection({ webhook, url, error }: { webhook: Webhook; url: string; error?: string }) {
  return (
    <section id="wh-head" class="card">
      <div class="copy-row">
        <span class="badge method">POST</span>
        <code id="wh-url" safe>{url}</code>
        <button type="button" class="secondary small" data-copy="#wh-url">Copy</button>
      </div>
      <div class="row spaced">
        <form class="row" hx-post={`${base(webhook)}/name`} hx-target="#wh-head" hx-swap="outerHTML">
          <label>
            Name
            <input name="name" value={webhook.name} required maxlength="100" />
          </label>
          <button type="submit" class="secondary">Rename</button>
        </form>
        <form hx-post={`${base(webhook)}/active`} hx-target="#wh-head" hx-swap="outerHTML">
          <input type="hidden" name="active" value={webhook.active ? "0" : "1"} />
          {webhook.active ? (
            <button type="submit" class="danger" id="wh-toggle">Deactivate</button>
          ) : (
            <button type="submit" id="wh-toggle">Activate</button>
          )}{" "}
          {webhook.active ? <span class="badge on">active</span> : <span class="badge">inactive: requests are logged, not processed</span>}
        </form>
      </div>
      <ErrorText message={error} />
    </section>
  );
}

export function ExampleSection({ webhook, listening, now, typed, error }: { webhook: Webhook; listening: boolean; now: number; typed?: string; error?: string }) {
  return (
    <section id="wh-example" class="card">
      <h2>Example of received JSON</h2>
      <div class="grid2">
        <form hx-post={`${base(webhook)}/example`} hx-target="#wh-example" hx-swap="outerHTML">
          <label>
            Paste an example
            <textarea name="example" rows="10" spellcheck="false" class="code" safe>
              {typed ?? pretty(webhook.example)}
            </textarea>
          </label>
          <div class="row">
            <button type="submit" class="secondary">Save example</button>
            {listening ? (
              <span class="listening" role="status">
                <span class="spinner" aria-hidden="true"></span> Listening for a live request: send one to the URL above.{" "}
                <span class="countdown" data-seconds={String(Math.max(0, Math.ceil((webhook.listen_until! - now) / 1000)))} data-expired-get={`${base(webhook)}/example`} safe>
                  {timeLeft(webhook.listen_until! - now)}
                </span>{" "}
                left{" "}
                <button type="button" class="secondary small" id="wh-listen-cancel" hx-post={`${base(webhook)}/listen/cancel`} hx-target="#wh-example" hx-swap="outerHTML">
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" id="wh-listen" hx-post={`${base(webhook)}/listen`} hx-target="#wh-example" hx-swap="outerHTML">
                Listen for a live request
              </button>
            )}
          </div>
          <ErrorText message={error} />
        </form>
        <div>
          <p class="muted small-text">Click a value to use its path.</p>
          <JsonTree webhookId={webhook.id} example={webhook.example} />
        </div>
      </div>
    </section>
  );
}

export interface MappingPreview {
  path: string;
  field: string;
  found: boolean;
  value: unknown;
  stored?: unknown;
  error?: string;
}

export interface IdentifyPreview {
  path: string;
  found: boolean;
  value: unknown;
  normalised?: unknown;
  error?: string;
}

export interface ConfigProps {
  webhook: Webhook;
  fields: CustomField[];
  preview: { identify: Record<string, IdentifyPreview>; mappings: MappingPreview[] };
  pendingPath?: string;
  /** A refused mapping, shown again as typed. */
  pendingMapping?: { field?: string; new_field?: string; new_type?: string };
  error?: string;
}

function PreviewCell({ item }: { item?: { found: boolean; value: unknown; stored?: unknown; normalised?: unknown; error?: string } }) {
  if (!item) return <td class="muted">—</td>;
  if (!item.found) return <td class="muted">not in the example</td>;
  if (item.error) return <td class="error" safe>{`${JSON.stringify(item.value)}: ${item.error}`}</td>;
  const result = item.stored !== undefined ? item.stored : item.normalised !== undefined ? item.normalised : item.value;
  return <td safe>{`${JSON.stringify(item.value)} → ${JSON.stringify(result)}`}</td>;
}

export function ConfigSection({ webhook, fields, preview, pendingPath, pendingMapping, error }: ConfigProps) {
  const pendingNewField = pendingMapping?.new_field;
  const systemFields = ["first_name", "last_name", "email", "phone"];
  return (
    <section id="wh-config" class="card">
      <h2>Values to identify a contact</h2>
      <p class="muted small-text">Checked in order: user_ns, then phone or email; a new contact is created from a valid phone when the bot's channel may start conversations.</p>
      <form hx-post={`${base(webhook)}/identify`} hx-target="#wh-config" hx-swap="outerHTML">
        <table>
          <tbody>
            {(["user_ns", "phone", "email"] as const).map((key) => (
              <tr>
                <th>
                  <label for={`identify-${key}`}>{key}</label>
                </th>
                <td>
                  <input id={`identify-${key}`} name={key} value={webhook.identify[key] ?? ""} placeholder="path, e.g. contact.phone" />
                </td>
                <PreviewCell item={preview.identify[key]} />
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit" class="secondary">Save identification</button>
      </form>

      <h2 class="gap">Mapping</h2>
      {webhook.mappings.length === 0 ? (
        <p class="muted">No mappings yet.</p>
      ) : (
        <table id="wh-mappings">
          <thead>
            <tr>
              <th>Path</th>
              <th>Field</th>
              <th>Preview (from the example)</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {webhook.mappings.map((mapping, index) => (
              <tr>
                <td>
                  <code safe>{mapping.path}</code>
                </td>
                <td>
                  <code safe>{mapping.field}</code>
                </td>
                <PreviewCell item={preview.mappings[index]} />
                <td class="actions">
                  <button type="button" class="danger small" hx-post={`${base(webhook)}/mappings/${index}/delete`} hx-target="#wh-config" hx-swap="outerHTML">
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" id="wh-add-mapping" hx-post={`${base(webhook)}/mappings`} hx-target="#wh-config" hx-swap="outerHTML">
        <label>
          Path
          <input name="path" value={pendingPath ?? ""} required placeholder='contact.first_name or data["first name"]' autofocus={pendingPath ? true : undefined} />
        </label>
        <label>
          Field
          <select name="field">
            <optgroup label="Contact">
              {systemFields.map((name) => (
                <option value={name} selected={pendingMapping?.field === name}>
                  {name}
                </option>
              ))}
            </optgroup>
            <optgroup label="Custom fields">
              {fields.map((field) => (
                <option value={field.name} selected={pendingMapping?.field === field.name} safe>
                  {`${field.name} (${field.type})`}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          …or a new field
          <input name="new_field" value={pendingNewField ?? ""} placeholder="new_field_name" maxlength="64" title="Letters, digits and _, starting with a letter" />
        </label>
        <label>
          New field type
          <select name="new_type">
            {["text", "number", "boolean", "date", "datetime", "json"].map((type) => (
              <option value={type} selected={pendingMapping?.new_type === type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Add mapping</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

const ACTION_CHOICES = [
  ["send_text", "send text"],
  ["add_tag", "add tag"],
  ["remove_tag", "remove tag"],
  ["set_field", "set field"],
  ["pause_bot", "pause bot"],
  ["resume_bot", "resume bot"],
  ["http_request", "HTTP request"],
] as const;

/** The inputs of one action type; the stylesheet shows only the chosen type's (no script). */
function For({ types, children }: { types: string[]; children: JSX.Element | JSX.Element[] }) {
  return <div class={`for ${types.map((t) => `for-${t}`).join(" ")}`}>{children}</div>;
}

export function ActionsSection({ webhook, fields, typed, preview, error }: { webhook: Webhook; fields: CustomField[]; typed?: Record<string, string | undefined>; preview?: string; error?: string }) {
  const value = (key: string) => typed?.[key] ?? "";
  const type = typed?.type ?? "send_text";
  return (
    <section id="wh-actions" class="card">
      <h2>Actions</h2>
      <p class="muted small-text">
        Run in order after mapping. Templates: {"{{first_name}}"}, {"{{phone}}"}, {"{{field_name}}"}, {"{{payload.some.path}}"}.
      </p>
      {webhook.actions.length === 0 ? (
        <p class="muted">No actions.</p>
      ) : (
        <ol class="actions-list">
          {webhook.actions.map((action, index) => (
            <li>
              <span safe>{describeAction({ ...action, when: undefined })}</span>{" "}
              {action.when ? <span class="muted small-text" safe>{`only when ${describeWhen(action)}`}</span> : ""}{" "}
              <button type="button" class="danger small" hx-post={`${base(webhook)}/actions/${index}/delete`} hx-target="#wh-actions" hx-swap="outerHTML">
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <form class="action-form" hx-post={`${base(webhook)}/actions`} hx-target="#wh-actions" hx-swap="outerHTML">
        <label>
          Action
          <select name="type">
            {ACTION_CHOICES.map(([name, label]) => (
              <option value={name} selected={type === name}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <For types={["send_text"]}>
          <label class="wide">
            Text to send
            <textarea name="text" rows="3" maxlength="4096" placeholder="Hi {{first_name}}, your table for {{payload.booking.size}} is booked."
              hx-post={`${base(webhook)}/actions/preview`} hx-trigger="input changed delay:300ms" hx-target="#action-preview" hx-swap="outerHTML" safe>
              {value("text")}
            </textarea>
          </label>
          <ActionPreview text={preview} />
        </For>
        <For types={["add_tag", "remove_tag"]}>
          <label>
            Tag
            <input name="tag" value={value("tag")} maxlength="100" placeholder="web-lead" />
          </label>
        </For>
        <For types={["set_field"]}>
          <label>
            Field
            <select name="field">
              {["first_name", "last_name", "email", "phone", ...fields.map((f) => f.name)].map((name) => (
                <option value={name} selected={value("field") === name} safe>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Value
            <input name="value" value={value("value")} placeholder="{{payload.plan}}" />
          </label>
        </For>
        <For types={["pause_bot"]}>
          <label>
            Minutes (empty: until resumed)
            <input name="minutes" type="number" min="1" value={value("minutes")} class="short" />
          </label>
        </For>
        <For types={["http_request"]}>
          <label>
            Method
            <select name="method">
              {["POST", "PUT", "PATCH", "GET", "DELETE"].map((method) => (
                <option value={method} selected={(typed?.method ?? "POST") === method}>
                  {method}
                </option>
              ))}
            </select>
          </label>
          <label class="wide">
            URL
            <input name="url" value={value("url")} placeholder="https://crm.example.com/leads/{{user_ns}}" />
          </label>
          <label class="wide">
            Body (JSON or text; optional)
            <textarea name="body" rows="3" class="code" placeholder='{"phone": "{{phone}}"}' safe>
              {value("body")}
            </textarea>
          </label>
          <label class="wide">
            With the response (JSON; optional): values to save, tag paths, follow-up actions by outcome
            <textarea name="response" rows="3" class="code" placeholder='{"mappings": [{"path": "customer.id", "field": "crm_id"}], "tags": ["customer.segment"], "on_success": [{"type": "add_tag", "tag": "synced"}], "on_failure": [{"type": "add_tag", "tag": "sync-failed"}]}' safe>
              {value("response")}
            </textarea>
          </label>
        </For>
        <details class="wide" open={typed?.when_path ? true : undefined}>
          <summary>Only when… (optional)</summary>
          <div class="row">
            <RuleInputs prefix="when_" typed={typed} />
          </div>
        </details>
        <div class="row">
          <button type="submit">Add action</button>
        </div>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

/** The text as the example request would render it. */
export function ActionPreview({ text }: { text?: string }) {
  return (
    <p id="action-preview" class="preview muted small-text">
      {text === undefined ? "Preview with the example appears here as you type." : <span safe>{`Preview with the example: ${text}`}</span>}
    </p>
  );
}

export function LimitsSection({ webhook, newSecret, error, now }: { webhook: Webhook; newSecret?: string; error?: string; now: number }) {
  const previousUntil = webhook.previous_signing_secret && webhook.previous_secret_until && webhook.previous_secret_until > now ? webhook.previous_secret_until : null;
  return (
    <section id="wh-limits" class="card">
      <h2>Limits and security</h2>
      <form class="row" hx-post={`${base(webhook)}/limits`} hx-target="#wh-limits" hx-swap="outerHTML">
        <label>
          Requests
          <input name="capacity" type="number" min="1" value={String(webhook.rate_capacity)} class="short" />
        </label>
        <label>
          per seconds
          <input name="refill_seconds" type="number" min="1" value={String(webhook.rate_refill_seconds)} class="short" />
        </label>
        <label>
          Idempotency path (optional)
          <input name="idempotency_path" value={webhook.idempotency_path ?? ""} placeholder="order.id" />
        </label>
        <button type="submit" class="secondary">Save limits</button>
      </form>
      <div class="row gap">
        <span>
          Signing secret (Standard Webhooks):{" "}
          {newSecret ? (
            <code id="wh-secret" safe>{newSecret}</code>
          ) : webhook.signing_secret ? (
            <code safe>{`${webhook.signing_secret.slice(0, 10)}…`}</code>
          ) : (
            <span class="muted">none: requests are not signed</span>
          )}
        </span>
        {newSecret ? <button type="button" class="secondary small" data-copy="#wh-secret">Copy</button> : ""}
        <button type="button" class="secondary small" hx-post={`${base(webhook)}/secret`} hx-vals='{"do":"generate"}' hx-target="#wh-limits" hx-swap="outerHTML">
          {webhook.signing_secret ? "Rotate" : "Generate"}
        </button>
        {webhook.signing_secret ? (
          <button type="button" class="danger small" hx-post={`${base(webhook)}/secret`} hx-vals='{"do":"clear"}' hx-target="#wh-limits" hx-swap="outerHTML">
            Remove
          </button>
        ) : (
          ""
        )}
      </div>
      {newSecret ? <p class="muted small-text">Copy it now: it is shown once. Senders sign with it; unsigned requests then get 401.</p> : ""}
      {previousUntil ? (
        <p class="muted small-text" id="wh-previous-secret" safe>{`The previous secret still verifies until ${utc(previousUntil)} UTC, so senders can switch to the new one.`}</p>
      ) : (
        ""
      )}
      <ErrorText message={error} />
    </section>
  );
}

/** The body the test panel sends: a saved payload's, or the example. */
export function TestBody({ webhook, payload, typed }: { webhook: Webhook; payload?: TestPayload; typed?: string }) {
  return (
    <textarea id="wh-test-body" name="body" rows="8" spellcheck="false" class="code" aria-label="Test request body" safe>
      {typed ?? (payload ? pretty(payload.body) : pretty(webhook.example) || "{}")}
    </textarea>
  );
}

/**
 * Which body the panel sends (the example or a saved payload) and the body itself: swapped on
 * its own, so a captured example or a pick never wipes the answer shown below it.
 */
export function TestSource({ webhook, payloads, selected, typed }: { webhook: Webhook; payloads: TestPayload[]; selected?: TestPayload; typed?: string }) {
  return (
    <div id="wh-test-source">
      <div class="row">
        <label>
          Body
          <select name="payload" id="wh-test-pick" hx-get={`${base(webhook)}/test`} hx-target="#wh-test-source" hx-swap="outerHTML">
            <option value="" selected={!selected}>
              the example
            </option>
            {payloads.map((payload) => (
              <option value={String(payload.id)} selected={selected?.id === payload.id} safe>
                {payload.name}
              </option>
            ))}
          </select>
        </label>
        {selected ? (
          <button type="button" class="danger small" hx-post={`${base(webhook)}/test-payloads/${selected.id}/delete`} hx-target="#wh-test" hx-swap="outerHTML"
            hx-confirm={`Delete the saved payload '${selected.name}'?`}>
            Delete this payload
          </button>
        ) : (
          ""
        )}
      </div>
      <TestBody webhook={webhook} payload={selected} typed={typed} />
    </div>
  );
}

export function TestSection({ webhook, path, payloads, selected, typed, error }: { webhook: Webhook; path: string; payloads: TestPayload[]; selected?: TestPayload; typed?: { body?: string; name?: string }; error?: string }) {
  return (
    <section id="wh-test" class="card">
      <h2>Send a test request</h2>
      <p class="muted small-text">Posts this body to the webhook URL from your browser, exactly as an outside system would. Save bodies you send often under a name.</p>
      <TestSource webhook={webhook} payloads={payloads} selected={selected} typed={typed?.body} />
      <div class="row spaced">
        <button type="button" id="wh-test-send" data-test-url={path} data-test-body="#wh-test-body" data-test-result="#wh-test-result">
          Send test request
        </button>
        <form class="row" id="wh-test-save" hx-post={`${base(webhook)}/test-payloads`} hx-include="#wh-test-body" hx-target="#wh-test" hx-swap="outerHTML">
          <label>
            Save this body as
            <input name="name" maxlength="100" required placeholder="VIP lead" value={typed?.name ?? selected?.name ?? ""} />
          </label>
          <button type="submit" class="secondary">Save</button>
        </form>
      </div>
      <ErrorText message={error} />
      <pre id="wh-test-result" class="result" hidden></pre>
    </section>
  );
}

const OP_CHOICES: [ConditionOp, string][] = [
  ["equals", "equals"],
  ["not_equals", "does not equal"],
  ["contains", "contains"],
  ["starts_with", "starts with"],
  ["exists", "exists"],
  ["missing", "is missing"],
  ["greater_than", "is greater than"],
  ["less_than", "is less than"],
  ["matches", "matches (RE2 pattern)"],
];

/** Path, operator and value inputs of one rule (`prefix` tells an action's apart). */
function RuleInputs({ prefix = "", typed, required }: { prefix?: string; typed?: Record<string, string | undefined>; required?: boolean }) {
  const value = (key: string) => typed?.[`${prefix}${key}`] ?? "";
  return (
    <>
      <label>
        Path
        <input name={`${prefix}path`} value={value("path")} required={required} placeholder="order.total" />
      </label>
      <label>
        Operator
        <select name={`${prefix}op`}>
          {OP_CHOICES.map(([op, label]) => (
            <option value={op} selected={value("op") === op}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Value
        <input name={`${prefix}value`} value={value("value")} placeholder="100, paid, (?i)^vip" />
      </label>
    </>
  );
}

/** A rule from a form: numbers typed as numbers, `true`/`false` as booleans, no value for exists/missing. */
export function ruleFromForm(form: Record<string, string | undefined>, prefix = ""): Record<string, unknown> {
  const op = form[`${prefix}op`] ?? "equals";
  const raw = form[`${prefix}value`] ?? "";
  const rule: Record<string, unknown> = { path: (form[`${prefix}path`] ?? "").trim(), op };
  if (op === "exists" || op === "missing") return rule;
  const trimmed = raw.trim();
  if (op === "equals" || op === "not_equals") rule.value = trimmed === "true" ? true : trimmed === "false" ? false : trimmed === "null" ? null : raw;
  else rule.value = raw;
  return rule;
}

export interface ConditionsPreview {
  /** Null without an example. */
  results: RuleResult[] | null;
  holds: boolean | null;
  explanation?: string;
}

export function ConditionsSection({ webhook, preview, typed, error }: { webhook: Webhook; preview: ConditionsPreview; typed?: Record<string, string | undefined>; error?: string }) {
  const conditions = webhook.conditions;
  return (
    <section id="wh-conditions" class="card">
      <h2>Conditions</h2>
      <p class="muted small-text">
        Process a request only when its body meets these. Otherwise nothing is identified, mapped or run: it is answered {'{"ok": true, "filtered": true}'} and logged as
        filtered. In the example, a value's "only when equal" button adds a rule.
      </p>
      {conditions === null ? (
        <p class="muted">No conditions: every request is processed.</p>
      ) : (
        <>
          <form class="row" hx-post={`${base(webhook)}/conditions/match`} hx-trigger="change" hx-target="#wh-conditions" hx-swap="outerHTML">
            <label>
              Process when
              <select name="match">
                <option value="all" selected={conditions.match === "all"}>
                  all rules hold
                </option>
                <option value="any" selected={conditions.match === "any"}>
                  any rule holds
                </option>
              </select>
            </label>
          </form>
          <table id="wh-rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>On the example</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {conditions.rules.map((rule, index) => {
                const result = preview.results?.[index];
                return (
                  <tr>
                    <td>
                      <code safe>{describeRule(rule)}</code>
                    </td>
                    {!result ? (
                      <td class="muted">—</td>
                    ) : result.holds ? (
                      <td class="ok">holds</td>
                    ) : (
                      <td class="error" safe>{result.stopped ?? `does not hold (found ${result.actual === undefined ? "nothing" : JSON.stringify(result.actual)})`}</td>
                    )}
                    <td class="actions">
                      <button type="button" class="danger small" hx-post={`${base(webhook)}/conditions/${index}/delete`} hx-target="#wh-conditions" hx-swap="outerHTML">
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p id="wh-conditions-verdict" class={preview.holds === false ? "error" : "muted"} safe>
            {preview.holds === null ? "No example yet to check them against." : preview.holds ? "The example meets them: it would be processed." : `The example would be filtered: ${preview.explanation}`}
          </p>
        </>
      )}
      <form class="row" id="wh-add-rule" hx-post={`${base(webhook)}/conditions`} hx-target="#wh-conditions" hx-swap="outerHTML">
        <RuleInputs typed={typed} required />
        <button type="submit" class="secondary">Add rule</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

export function ReplySection({ webhook, typed, error }: { webhook: Webhook; typed?: { status?: string; body?: string }; error?: string }) {
  const status = typed?.status ?? String(webhook.reply?.status ?? 200);
  return (
    <section id="wh-reply" class="card">
      <h2>Reply to the caller</h2>
      <p class="muted small-text">
        {webhook.reply
          ? "A processed request is answered with this, rendered after the actions ran. Errors keep the error shape; a filtered request gets {\"ok\": true, \"filtered\": true}."
          : 'Processed requests are answered {"ok": true, "user_ns": …, "created": …}. Set a body to answer with what the caller needs instead.'}{" "}
        Placeholders: {"{{user_ns}}"}, {"{{created}}"}, {"{{tags}}"}, {"{{first_name}}"}, {"{{field_name}}"}, {"{{payload.some.path}}"}; a string that is one placeholder keeps the value's type.
      </p>
      <form hx-post={`${base(webhook)}/reply`} hx-target="#wh-reply" hx-swap="outerHTML">
        <div class="row">
          <label>
            Status
            <select name="status">
              {["200", "201", "202"].map((code) => (
                <option value={code} selected={status === code}>
                  {code}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Body (JSON)
          <textarea name="body" rows="6" spellcheck="false" class="code" placeholder='{"id": "{{user_ns}}", "status": "received"}' safe>
            {typed?.body ?? pretty(webhook.reply?.body)}
          </textarea>
        </label>
        <div class="row">
          <button type="submit" class="secondary">Save reply</button>
          {webhook.reply ? (
            <button type="button" class="secondary" hx-post={`${base(webhook)}/reply`} hx-vals='{"default":"1"}' hx-target="#wh-reply" hx-swap="outerHTML">
              Use the default answer
            </button>
          ) : (
            ""
          )}
        </div>
      </form>
      <ErrorText message={error} />
    </section>
  );
}
