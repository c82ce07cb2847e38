/** @jsxImportSource @kitajs/html */
// The admin pages: bots, one bot, one contact, settings.
import type { Bot } from "../../src/modules/bots/service";
import type { Contact } from "../../src/modules/contacts/service";
import type { CustomField } from "../../src/modules/fields/service";
import type { ApiToken } from "../../src/modules/tokens/service";
import { Crumbs, Layout, Live } from "../layout";
import { BotDeleteSection, BotSettingsSection, BotsSection, type Footprint } from "../partials/bots";
import { ContactsSection } from "../partials/contacts";
import { FieldsSection } from "../partials/fields";
import { TokensSection } from "../partials/tokens";
import { WebhooksSection } from "../partials/webhooks";
import type { Webhook } from "../../src/modules/inbound/service";
import type { Message } from "../../src/modules/messages/service";
import type { Delivery } from "../../src/modules/deliveries/service";
import type { TeamSettings } from "../../src/modules/settings/service";
import { InstallationSection } from "./operations";
import { ChannelSection, ConversationSection } from "../partials/channel";
import { AlertSettingsSection, OpenAlerts } from "../partials/alerts";
import { ContactStateSection, LiveChatModeSection } from "./livechat";
import { utc, contactName, fieldValueText, requestLine } from "../format";
import { LastDayCharts, type HourRow } from "../partials/hourly-chart";

export function BotsPage({ csrf, nav, bots, channels, lastDay, alerts }: { csrf: string; nav?: readonly string[]; bots: Bot[]; channels: string[]; lastDay: HourRow[]; alerts: Parameters<typeof OpenAlerts>[0]["alerts"] }) {
  return (
    <Layout title="Bots" csrf={csrf} nav={nav} active="bots" live={["dashboard"]}>
      <h1>Bots</h1>
      <OpenAlerts alerts={alerts} />
      <Live topic="dashboard" url="/admin/dashboard" target="last-day">
        <LastDayCharts rows={lastDay} />
      </Live>
      <BotsSection bots={bots} channels={channels} />
    </Layout>
  );
}

export interface BotPageProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  /** Why this bot's live chat relays nothing, if it does not. */
  liveChatWarning: string | null;
  bot: Bot & { can_initiate: boolean };
  fields: CustomField[];
  fieldTypes: readonly string[];
  webhooks: Webhook[];
  maxWebhooks: number;
  inboundUrl: string | null;
  contacts: Contact[];
  nextCursor: string | null;
  channels: readonly string[];
  footprint: Footprint;
  now: number;
}

export function BotPage({ csrf, nav, liveChatWarning, bot, fields, fieldTypes, webhooks, maxWebhooks, inboundUrl, contacts, nextCursor, channels, footprint, now }: BotPageProps) {
  return (
    <Layout title={bot.name} csrf={csrf} nav={nav} active="bots">
      <Crumbs steps={[{ label: "Bots", href: "/admin" }]} />
      <BotName bot={bot} />
      <BotSettingsSection bot={bot} channels={channels} />
      <ChannelSection bot={bot} inboundUrl={inboundUrl} now={now} />
      <LiveChatModeSection bot={bot} warning={liveChatWarning} />
      <WebhooksSection bot={bot} webhooks={webhooks} max={maxWebhooks} />
      <FieldsSection bot={bot} fields={fields} types={fieldTypes} />
      <ContactsSection bot={bot} contacts={contacts} nextCursor={nextCursor} q="" />
      <BotDeleteSection bot={bot} footprint={footprint} />
    </Layout>
  );
}

export interface ContactPageProps {
  csrf: string;
  /** The nav links this user's role opens (all when absent). */
  nav?: readonly string[];
  bot: Bot;
  contact: Contact;
  values: Record<string, unknown>;
  fields: CustomField[];
  messages: Message[];
  relays: Map<number, Delivery>;
  /** The contact's HTTP requests (http_request actions), newest first. */
  requests: Delivery[];
  liveChatWarning: string | null;
  now: number;
}

/** The page's heading; a rename swaps it out of band. */
export function BotName({ bot, oob }: { bot: Bot; oob?: boolean }) {
  return (
    <h1 id="bot-name" hx-swap-oob={oob ? "true" : undefined} safe>
      {bot.name}
    </h1>
  );
}

export function ContactPage({ csrf, nav, bot, contact, values, fields, messages, relays, requests, liveChatWarning, now }: ContactPageProps) {
  const name = contactName(contact);
  const tags = JSON.parse(contact.tags) as string[];
  return (
    <Layout title={name} csrf={csrf} nav={nav} active="bots" live={[`contact-${contact.id}`, `contact-state-${contact.id}`]}>
      {/* A role that does not open the bots (an agent) comes here from the Inbox. */}
      <Crumbs steps={nav && !nav.includes("/admin") ? [{ label: "Inbox", href: "/admin/inbox" }] : [{ label: "Bots", href: "/admin" }, { label: bot.name, href: `/admin/bots/${bot.flow_ns}` }]} />
      <h1 safe>{name}</h1>
      <dl class="facts card">
        <dt>
          <abbr title="The contact's public id: the API and relayed messages name the contact with it.">Contact ID</abbr>
        </dt>
        <dd>
          <code safe>{contact.user_ns}</code>
        </dd>
        <dt>Phone</dt>
        <dd safe>{contact.phone ?? "—"}</dd>
        <dt>Email</dt>
        <dd safe>{contact.email ?? "—"}</dd>
        <dt>Tags</dt>
        <dd>{tags.length ? tags.map((tag) => <span class="tag" safe>{tag}</span>) : "—"}</dd>
      </dl>
      <Live topic={`contact-state-${contact.id}`} url={`/admin/contacts/${contact.user_ns}/state`} target="contact-state">
        <ContactStateSection contact={contact} now={now} warning={liveChatWarning} />
      </Live>
      <Live topic={`contact-${contact.id}`} url={`/admin/contacts/${contact.user_ns}/messages`} target="message-list">
        <ConversationSection bot={bot} contact={contact} messages={messages} relays={relays} />
      </Live>
      <section class="card">
        <h2>Custom fields</h2>
        {fields.length === 0 ? (
          <p class="muted">This bot has no custom fields.</p>
        ) : (
          <table id="field-values">
            <tbody>
              {fields.map((field) => (
                <tr>
                  <th>
                    <code safe>{field.name}</code> <span class="muted" safe>{field.type}</span>
                  </th>
                  <td class={field.type === "json" ? "code" : undefined} safe>
                    {fieldValueText(values[field.name], field.type)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ContactRequests requests={requests} />
    </Layout>
  );
}

/** The contact's HTTP requests and what their response handling did: its timeline beside the conversation. */
function ContactRequests({ requests }: { requests: Delivery[] }) {
  if (requests.length === 0) return "";
  return (
    <section class="card" id="contact-requests">
      <h2>HTTP requests</h2>
      <ul class="timeline">
        {requests.map((delivery) => {
          const followUp = delivery.follow_up ? (JSON.parse(delivery.follow_up) as { outcome: string | null; written: Record<string, unknown>; tags: string[]; actions: number }) : null;
          const did = followUp
            ? [
                Object.keys(followUp.written).length ? `wrote ${Object.keys(followUp.written).join(", ")}` : "",
                followUp.tags.length ? `tagged ${followUp.tags.join(", ")}` : "",
                followUp.actions ? `${followUp.actions} follow-up action${followUp.actions === 1 ? "" : "s"}` : "",
              ].filter(Boolean)
            : [];
          return (
            <li>
              <span class="muted" safe>{`${utc(delivery.created_at)} UTC`}</span>{" "}
              <a href={`/admin/deliveries/${delivery.public_id}`} safe>{requestLine(delivery)}</a>{" "}
              <span class={`badge state-${delivery.state}`} safe>{delivery.last_status ? `${delivery.state}, HTTP ${delivery.last_status}` : delivery.state}</span>
              {did.length ? <span safe>{` → ${did.join("; ")}`}</span> : ""}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function SettingsPage({ csrf, nav, tokens, bots, roles, created, settings, alertSettings }: { csrf: string; nav?: readonly string[]; tokens: ApiToken[]; bots: Bot[]; roles: readonly string[]; created?: { name: string; token: string }; settings: TeamSettings; alertSettings: Parameters<typeof AlertSettingsSection>[0] }) {
  return (
    <Layout title="Settings" csrf={csrf} nav={nav} active="settings">
      <h1>Settings</h1>
      <p class="muted">
        Who may use this admin, their roles and invitations: <a href="/admin/users">Users</a> (owners).
      </p>
      <TokensSection tokens={tokens} bots={bots} roles={roles} created={created} />
      <InstallationSection settings={settings} />
      <AlertSettingsSection {...alertSettings} />
    </Layout>
  );
}
