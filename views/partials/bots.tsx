/** @jsxImportSource @kitajs/html */
// The bots table and its create form; swapped as one unit (#bots).
import type { Bot } from "../../src/modules/bots/service";
import { ErrorText } from "../layout";

export function BotsSection({ bots, channels, typed, error }: { bots: Bot[]; channels: string[]; typed?: Record<string, string | undefined>; error?: string }) {
  return (
    <section id="bots" class="card">
      <h2>All bots</h2>
      {bots.length === 0 ? (
        <p class="muted">No bots yet. Create the first one below.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Channel</th>
              <th>flow_ns</th>
              <th>Country</th>
            </tr>
          </thead>
          <tbody>
            {bots.map((bot) => (
              <tr>
                <td>
                  <a href={`/admin/bots/${bot.flow_ns}`} safe>
                    {bot.name}
                  </a>
                </td>
                <td safe>{bot.channel}</td>
                <td>
                  <code safe>{bot.flow_ns}</code>
                </td>
                <td safe>{bot.default_country ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" method="post" action="/admin/bots" hx-post="/admin/bots" hx-target="#bots" hx-swap="outerHTML">
        <label>
          Name
          <input name="name" value={typed?.name ?? ""} required maxlength="100" placeholder="Booking SMS bot" />
        </label>
        <label>
          Channel
          <select name="channel">
            {channels.map((channel) => (
              <option value={channel} selected={typed?.channel === channel} safe>
                {channel}
              </option>
            ))}
          </select>
        </label>
        <label>
          Default country
          <input name="default_country" value={typed?.default_country ?? ""} maxlength="2" placeholder="US" class="short" />
        </label>
        <button type="submit">Create bot</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}

/** What a form sends back, to show again when it is refused (nothing typed is lost). */
export type Typed = Record<string, string | undefined>;

const BOT_ID_HINT = "The bot's public id (flow_ns): the API and relayed messages name the bot with it.";

export function BotSettingsSection({ bot, channels, typed, saved, error }: { bot: Bot & { can_initiate: boolean }; channels: readonly string[]; typed?: Typed; saved?: boolean; error?: string }) {
  const value = (key: "name" | "channel" | "default_country") => typed?.[key] ?? (bot[key] ?? "");
  return (
    <section id="bot-settings" class="card">
      <dl class="facts">
        <dt>
          <abbr title={BOT_ID_HINT}>Bot ID</abbr>
        </dt>
        <dd>
          <code id="bot-id" safe>{bot.flow_ns}</code> <button type="button" class="secondary small" data-copy="#bot-id">Copy</button>
        </dd>
        <dt>Starts conversations</dt>
        <dd safe>{bot.can_initiate ? "yes: inbound webhooks may create contacts" : "no: this channel only answers contacts who wrote first"}</dd>
      </dl>
      <form class="row" hx-post={`/admin/bots/${bot.flow_ns}/settings`} hx-target="#bot-settings" hx-swap="outerHTML">
        <label>
          Name
          <input name="name" value={value("name")} required maxlength="100" />
        </label>
        <label>
          Channel
          <select name="channel">
            {channels.map((channel) => (
              <option value={channel} selected={value("channel") === channel} safe>
                {channel}
              </option>
            ))}
          </select>
        </label>
        <label>
          Default country
          <input name="default_country" value={value("default_country")} maxlength="2" placeholder="US" class="short" title="Used to read phone numbers written without +country code" />
        </label>
        <button type="submit" class="secondary">Save bot</button>
        {saved ? <span class="muted" role="status">Saved.</span> : ""}
      </form>
      <ErrorText message={error} />
    </section>
  );
}

export interface Footprint {
  webhooks: number;
  contacts: number;
  messages: number;
  deliveries: number;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function BotDeleteSection({ bot, footprint, typed, error }: { bot: Bot; footprint: Footprint; typed?: string; error?: string }) {
  return (
    <section id="bot-delete" class="card danger-zone">
      <h2>Delete this bot</h2>
      <p safe>
        {`Deleting "${bot.name}" also deletes its ${count(footprint.webhooks, "inbound webhook")} (their URLs stop working), ${count(footprint.contacts, "contact")}, ${count(footprint.messages, "message")} and ${count(footprint.deliveries, "delivery", "deliveries")}, with their logs and custom fields. This cannot be undone.`}
      </p>
      <form class="row" hx-post={`/admin/bots/${bot.flow_ns}/delete`} hx-target="#bot-delete" hx-swap="outerHTML">
        <label>
          Type the bot's name to confirm
          <input name="confirm_name" value={typed ?? ""} autocomplete="off" placeholder={bot.name} />
        </label>
        <button type="submit" class="danger">Delete bot</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}
