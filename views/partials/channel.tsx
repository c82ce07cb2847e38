/** @jsxImportSource @kitajs/html */
// A bot's channel provider settings (#channel) and a contact's conversation (#conversation).
import type { Bot } from "../../src/modules/bots/service";
import type { Contact } from "../../src/modules/contacts/service";
import type { Message } from "../../src/modules/messages/service";
import type { Delivery } from "../../src/modules/deliveries/service";
import { ErrorText } from "../layout";
import { relayNote, utc } from "../format";

const SAVED = "saved: leave empty to keep";

export function ChannelSection({ bot, inboundUrl, typed, error, saved, newSecret, now }: { bot: Bot; inboundUrl: string | null; typed?: Record<string, string | undefined>; error?: string; saved?: boolean; newSecret?: string; now: number }) {
  const settings = JSON.parse(bot.provider_settings) as Record<string, any>;
  const previousUntil = bot.provider === "http" && settings.previous_secret && settings.previous_until > now ? (settings.previous_until as number) : null;
  const action = `/admin/bots/${bot.flow_ns}/channel`;
  const headerLines = Object.keys(settings.headers ?? {}).map((name) => `${name}: ********`).join("\n");
  // A refused change shows what was typed (never a secret: those inputs stay empty).
  const provider = typed?.provider ?? bot.provider;
  const saved_ = (key: string, forProvider: string) => typed?.[key] ?? (bot.provider === forProvider ? (settings[key] ?? "") : "");
  return (
    <section id="channel" class="card">
      <h2>Channel provider</h2>
      <p class="muted small-text">How this bot's messages leave the machine. test: nowhere (try flows here); http: your own SMS/WhatsApp gateway; twilio: SMS and voice calls.</p>
      <form class="channel-form" hx-post={action} hx-target="#channel" hx-swap="outerHTML">
        <label>
          Provider
          <select name="provider">
            {(["test", "http", "twilio"] as const).map((p) => (
              <option value={p} selected={provider === p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <p class="for for-test muted small-text">Nothing leaves the machine: the contact's page shows the conversation and can type as the contact.</p>
        <fieldset class="for for-http">
          <legend>http</legend>
          <label>
            Gateway URL
            <input name="url" value={saved_("url", "http")} placeholder="https://gateway.example.com/send" />
            <small class="muted small-text">Changing the URL to another site clears the saved header values and secret: enter them again.</small>
          </label>
          <label>
            Headers (one "Name: value" a line; values are write-only)
            <textarea name="headers" rows="2" class="code" placeholder="Authorization: Bearer …" safe>
              {typed?.headers ?? (bot.provider === "http" ? headerLines : "")}
            </textarea>
          </label>
          <label>
            Signing secret (whsec_…)
            <input name="secret" type="password" autocomplete="off" placeholder={bot.provider === "http" && settings.secret ? SAVED : "optional"} />
          </label>
        </fieldset>
        <fieldset class="for for-twilio">
          <legend>twilio</legend>
          <label>
            Account SID
            <input name="account_sid" value={saved_("account_sid", "twilio")} placeholder="AC…" />
          </label>
          <label>
            Auth token
            <input name="auth_token" type="password" autocomplete="off" placeholder={bot.provider === "twilio" && settings.auth_token ? SAVED : ""} />
          </label>
          <label>
            From number
            <input name="from" value={saved_("from", "twilio")} placeholder="+14155550000" />
          </label>
          <label>
            …or Messaging Service SID
            <input name="messaging_service_sid" value={saved_("messaging_service_sid", "twilio")} placeholder="MG…" />
          </label>
          <label>
            API base URL (optional)
            <input name="base_url" value={saved_("base_url", "twilio")} placeholder="https://api.twilio.com" />
            <small class="muted small-text">Changing it to another site clears the saved auth token: enter it again.</small>
          </label>
        </fieldset>
        <div class="row">
          <button type="submit">Save channel</button>
          {bot.provider === "http" ? (
            <button type="button" class="secondary" id="rotate-channel-secret" hx-post={`${action}/rotate-secret`} hx-target="#channel" hx-swap="outerHTML"
              hx-confirm="Make a new signing secret? The current one keeps signing and verifying beside it for 24 hours, so your gateway can switch.">
              {settings.secret ? "Rotate secret" : "Generate secret"}
            </button>
          ) : (
            ""
          )}
          {saved ? <span class="muted" role="status">Saved.</span> : ""}
        </div>
      </form>
      {newSecret ? (
        <p id="new-channel-secret">
          New secret, shown once: <code safe>{newSecret}</code>
        </p>
      ) : (
        ""
      )}
      {previousUntil ? <p class="muted small-text" id="previous-channel-secret" safe>{`Until ${utc(previousUntil)} UTC messages carry both secrets' signatures and incoming ones verify with either.`}</p> : ""}
      {inboundUrl ? (
        <div class="copy-row gap">
          <span>Inbound URL for contacts' messages:</span>
          <code id="inbound-url" safe>{inboundUrl}</code>
          <button type="button" class="secondary small" data-copy="#inbound-url">Copy</button>
        </div>
      ) : (
        ""
      )}
      <ErrorText message={error} />
    </section>
  );
}

export interface ConversationProps {
  bot: Bot;
  contact: Contact;
  messages: Message[];
  /** The relay delivery of each relayed message, by message id. */
  relays: Map<number, Delivery>;
  error?: string;
}

/** The messages, refetched whenever the conversation changes (a reply through the API, a relay finishing). */
export function MessageList({ contact, messages, relays }: Pick<ConversationProps, "contact" | "messages" | "relays">) {
  return (
    <div id="message-list">
      {messages.length === 0 ? (
        <p class="muted">No messages yet.</p>
      ) : (
        <ol id="messages" class="conversation">
          {[...messages].reverse().map((m) => {
            const relay = relayNote(m, relays.get(m.id));
            return (
              <li class={`bubble ${m.direction}`}>
                <span safe>{m.content}</span>
                <small class="muted" safe>{`${new Date(m.created_at).toISOString().slice(11, 19)}${m.agent_name ? ` · ${m.agent_name}` : m.agent_id ? ` · agent ${m.agent_id}` : ""} · ${m.delivery_state}${m.error_code ? ` (provider error ${m.error_code})` : ""}`}</small>
                {relay ? <small class={`relay relay-${relay.state}`} safe>{relay.text}</small> : ""}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export function ConversationSection({ bot, contact, messages, relays, error }: ConversationProps) {
  const base = `/admin/contacts/${contact.user_ns}`;
  return (
    <section id="conversation" class="card">
      <h2>Conversation</h2>
      <MessageList contact={contact} messages={messages} relays={relays} />
      <form class="row" hx-post={`${base}/send`} hx-target="#conversation" hx-swap="outerHTML">
        <label class="grow">
          Your reply (sent through the bot)
          <input name="text" required maxlength="4096" placeholder="Type a reply…" />
        </label>
        <button type="submit">Send</button>
      </form>
      {bot.provider === "test" ? (
        <form class="row" hx-post={`${base}/receive`} hx-target="#conversation" hx-swap="outerHTML">
          <label class="grow">
            Type as the contact (test channel)
            <input name="text" required maxlength="4096" placeholder="What the contact writes…" />
          </label>
          <button type="submit" class="secondary">Receive</button>
        </form>
      ) : (
        ""
      )}
      <ErrorText message={error} />
    </section>
  );
}
