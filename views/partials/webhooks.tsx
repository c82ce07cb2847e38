/** @jsxImportSource @kitajs/html */
// A bot's inbound webhooks on the bot page (#webhooks): list and create.
import type { Bot } from "../../src/modules/bots/service";
import type { Webhook } from "../../src/modules/inbound/service";
import { ErrorText } from "../layout";

export function WebhooksSection({ bot, webhooks, max, error }: { bot: Bot; webhooks: Webhook[]; max: number; error?: string }) {
  const action = `/admin/bots/${bot.flow_ns}/webhooks`;
  return (
    <section id="webhooks" class="card">
      <h2>
        Inbound webhooks <span class="muted" safe>{`(${webhooks.length} of ${max})`}</span>
      </h2>
      {webhooks.length === 0 ? (
        <p class="muted">No inbound webhooks yet. Each one is a URL that takes JSON from anywhere and finds or creates the contact it is about.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Identifies by</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((webhook) => (
              <tr>
                <td>
                  <a href={`/admin/webhooks/${webhook.id}`} safe>
                    {webhook.name}
                  </a>
                </td>
                <td>{webhook.active ? <span class="badge on">active</span> : <span class="badge">inactive</span>}</td>
                <td safe>{Object.keys(webhook.identify).join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {webhooks.length < max ? (
        <form class="row" method="post" action={action} hx-post={action} hx-target="#webhooks" hx-swap="outerHTML">
          <label>
            Webhook name
            <input name="name" required maxlength="100" placeholder="Website booking form" />
          </label>
          <button type="submit">New inbound webhook</button>
        </form>
      ) : (
        <p class="muted">This bot has the most inbound webhooks allowed (Settings).</p>
      )}
      <ErrorText message={error} />
    </section>
  );
}
