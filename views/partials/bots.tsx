/** @jsxImportSource @kitajs/html */
// The bots table and its create form; swapped as one unit (#bots).
import type { Bot } from "../../src/modules/bots/service";
import { ErrorText } from "../layout";

export function BotsSection({ bots, channels, error }: { bots: Bot[]; channels: string[]; error?: string }) {
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
          <input name="name" required maxlength="100" placeholder="Booking SMS bot" />
        </label>
        <label>
          Channel
          <select name="channel">
            {channels.map((channel) => (
              <option value={channel} safe>
                {channel}
              </option>
            ))}
          </select>
        </label>
        <label>
          Default country
          <input name="default_country" maxlength="2" placeholder="US" class="short" />
        </label>
        <button type="submit">Create bot</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}
