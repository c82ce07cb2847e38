/** @jsxImportSource @kitajs/html */
// Live chat in the admin: the integration webhook page, the inbox of paused contacts, and the
// contact's live-chat state (#contact-state).
import type { Bot } from "../../src/modules/bots/service";
import type { Contact } from "../../src/modules/contacts/service";
import { pausedForever } from "../../src/lib/pause";
import type { Attempt, Delivery } from "../../src/modules/deliveries/service";
import type { IntegrationWebhook } from "../../src/modules/livechat/integration";
import { ErrorText, Layout, Live } from "../layout";
import { DeliveriesSection } from "./operations";
import { contactName, utc } from "../format";

const when = utc;

export function pausedText(contact: Contact, now: number): string | null {
  if (contact.paused_until === null || contact.paused_until <= now) return null;
  return pausedForever(contact.paused_until) ? "paused until resumed" : `paused until ${when(contact.paused_until)} UTC`;
}

export function ContactStateSection({ contact, now, warning, error }: { contact: Contact; now: number; warning?: string | null; error?: string }) {
  const paused = pausedText(contact, now);
  const base = `/admin/contacts/${contact.user_ns}`;
  return (
    <section id="contact-state" class="card">
      <h2>Live chat</h2>
      <p>
        {paused ? <span class="badge paused" safe>{paused}</span> : <span class="badge">bot active</span>}{" "}
        <span class="muted" safe>{contact.assigned_agent_id ? `assigned to ${contact.assigned_agent_name ?? `agent ${contact.assigned_agent_id}`}` : "no agent assigned"}</span>
      </p>
      {paused && warning ? <Warning text={warning} /> : ""}
      <div class="row">
        {paused ? (
          <button type="button" hx-post={`${base}/resume`} hx-target="#contact-state" hx-swap="outerHTML">Resume bot</button>
        ) : (
          <form class="row" hx-post={`${base}/pause`} hx-target="#contact-state" hx-swap="outerHTML">
            <label>
              Pause for minutes (empty: until resumed)
              <input name="minutes" type="number" min="1" max="525600" class="short" />
            </label>
            <button type="submit" class="secondary">Pause bot</button>
          </form>
        )}
        <form class="row" hx-post={`${base}/assign`} hx-target="#contact-state" hx-swap="outerHTML">
          <label>
            Agent id
            <input name="agent_id" type="number" min="1" value={contact.assigned_agent_id ? String(contact.assigned_agent_id) : ""} class="short" />
          </label>
          <button type="submit" class="secondary">Assign</button>
        </form>
        <form class="row" hx-post={`${base}/assign`} hx-target="#contact-state" hx-swap="outerHTML">
          <input type="hidden" name="me" value="1" />
          <button type="submit" class="secondary">Assign to me</button>
        </form>
      </div>
      <ErrorText message={error} />
    </section>
  );
}

/** A trap the person should know about, with the way out. */
export function Warning({ text }: { text: string }) {
  return (
    <p class="warning" role="alert">
      <span safe>{text}</span> <a href="/admin/integration">Set up the integration</a>
    </p>
  );
}

export function LiveChatModeSection({ bot, warning, error }: { bot: Bot; warning?: string | null; error?: string }) {
  return (
    <section id="live-chat" class="card">
      <h2>Live chat</h2>
      {warning ? <Warning text={warning} /> : ""}
      <form class="row" hx-post={`/admin/bots/${bot.flow_ns}/live-chat`} hx-target="#live-chat" hx-swap="outerHTML">
        <label>
          While the bot is paused for a contact, their messages go to
          <select name="live_chat">
            <option value="none" selected={bot.live_chat === "none"}>nowhere (none)</option>
            <option value="webhook" selected={bot.live_chat === "webhook"}>the integration webhook</option>
          </select>
        </label>
        <button type="submit" class="secondary">Save</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

export function IntegrationSection({ integration, error, saved, testDelivery, newSecret, now }: { integration: IntegrationWebhook; error?: string; saved?: boolean; testDelivery?: { delivery: Delivery; attempts: Attempt[] }; newSecret?: string; now: number }) {
  const previousUntil = integration.previous_secret && integration.previous_until && integration.previous_until > now ? integration.previous_until : null;
  const headerLines = Object.keys(integration.headers).map((name) => `${name}: ********`).join("\n");
  return (
    <section id="integration" class="card">
      <h2>Live-chat webhook</h2>
      <p class="muted small-text">Every message a paused contact sends (on bots whose live chat is "webhook") is POSTed here, in order per contact, retried until it is accepted.</p>
      <form hx-post="/admin/integration" hx-target="#integration" hx-swap="outerHTML">
        <label>
          Webhook URL
          <input name="url" value={integration.url ?? ""} placeholder="https://chat.example.com/switchboard" />
          <small class="muted small-text">Changing the URL to another site clears the saved header values and secret: enter them again.</small>
        </label>
        <label>
          Custom headers (one "Name: value" a line; values are write-only)
          <textarea name="headers" rows="3" class="code" safe>
            {headerLines}
          </textarea>
        </label>
        <label>
          Signing secret (whsec_…, Standard Webhooks)
          <input name="secret" type="password" autocomplete="off" placeholder={integration.secret ? "saved: leave empty to keep" : "optional"} />
        </label>
        <label class="inline-check">
          {/* Ticked for a first URL: saving a URL turns relaying on unless the person unticks it. */}
          <input type="checkbox" name="enabled" value="1" checked={integration.enabled || !integration.url} /> Enabled: relay paused contacts' messages here
        </label>
        <div class="row">
          <button type="submit">Save</button>
          {integration.url ? (
            <button type="button" class="secondary" id="send-test-event" hx-post="/admin/integration/test" hx-target="#integration" hx-swap="outerHTML">
              Send test event
            </button>
          ) : (
            ""
          )}
          {integration.url ? (
            <button type="button" class="secondary" id="rotate-secret" hx-post="/admin/integration/rotate-secret" hx-target="#integration" hx-swap="outerHTML"
              hx-confirm="Make a new signing secret? The current one keeps signing beside it for 24 hours, so your platform can switch.">
              {integration.secret ? "Rotate secret" : "Generate secret"}
            </button>
          ) : (
            ""
          )}
          {saved ? <span class="muted" role="status">Saved.</span> : ""}
        </div>
      </form>
      {newSecret ? (
        <p id="new-secret">
          New secret, shown once: <code safe>{newSecret}</code>
        </p>
      ) : (
        ""
      )}
      {previousUntil ? <p class="muted small-text" id="previous-secret" safe>{`Until ${when(previousUntil)} UTC every relay also carries the previous secret's signature (two, space-separated), so your platform can switch.`}</p> : ""}
      {testDelivery ? (
        <div id="test-event" class="detail" {...(testDelivery.delivery.state === "pending" || testDelivery.delivery.state === "sending" ? { "hx-get": `/admin/integration/test/${testDelivery.delivery.public_id}`, "hx-trigger": "load delay:500ms", "hx-target": "#integration", "hx-swap": "outerHTML" } : {})}>
          <p>
            Test event <code safe>{testDelivery.delivery.public_id}</code>: <span class={`badge state-${testDelivery.delivery.state}`} safe>{testDelivery.delivery.state}</span>
          </p>
          {testDelivery.attempts.map((a) => (
            <p class="muted small-text" safe>{`${when(a.started_at)} UTC · ${a.status !== null ? `HTTP ${a.status}` : a.error} · ${a.duration_ms} ms`}</p>
          ))}
        </div>
      ) : (
        ""
      )}
      <ErrorText message={error} />
    </section>
  );
}

export function IntegrationPage({ csrf, nav, integration, relays, now }: { csrf: string; nav?: readonly string[]; integration: IntegrationWebhook; relays: Parameters<typeof DeliveriesSection>[0]; now: number }) {
  return (
    <Layout title="Integration" csrf={csrf} nav={nav} active="integration" live={["deliveries"]}>
      <h1>Integration</h1>
      <IntegrationSection integration={integration} now={now} />
      <h2>Recent relay deliveries</h2>
      <Live topic="deliveries" url="/admin/deliveries/list?kind=relay" target="delivery-list">
        <DeliveriesSection {...relays} />
      </Live>
    </Layout>
  );
}

export interface InboxRow extends Contact {
  last_message: string | null;
  flow_ns: string;
  bot_name: string;
  /** Where the contact's messages go now, in words. */
  relayed_to: string;
}

export interface InboxView {
  contacts: InboxRow[];
  now: number;
  warning?: string | null;
}

/** The paused contacts; refetched whenever a message arrives or a pause changes. */
export function InboxList({ contacts, now, warning }: InboxView) {
  return (
    <div id="inbox-list">
      {warning ? <Warning text={warning} /> : ""}
      <section class="card">
        {contacts.length === 0 ? (
          <p class="muted">No paused contacts.</p>
        ) : (
          <table id="inbox">
            <thead>
              <tr>
                <th>Contact</th>
                <th>Bot</th>
                <th>Last message</th>
                <th>Paused</th>
                <th>Messages go to</th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr>
                  <td>
                    <a href={`/admin/contacts/${c.user_ns}`} safe>
                      {contactName(c)}
                    </a>
                  </td>
                  <td safe>{c.bot_name}</td>
                  <td safe>{c.last_message ?? "—"}</td>
                  <td safe>{pausedText(c, now) ?? ""}</td>
                  <td safe>{c.relayed_to}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

export function InboxPage({ csrf, nav, view }: { csrf: string; nav?: readonly string[]; view: InboxView }) {
  return (
    <Layout title="Inbox" csrf={csrf} nav={nav} active="inbox" live={["inbox"]}>
      <h1>Inbox</h1>
      <p class="muted">Contacts whose bot is paused. On bots whose live chat is "webhook", their messages are relayed to your live-chat platform.</p>
      <Live topic="inbox" url="/admin/inbox/list" target="inbox-list">
        <InboxList {...view} />
      </Live>
    </Layout>
  );
}
