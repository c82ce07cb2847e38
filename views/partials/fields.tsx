/** @jsxImportSource @kitajs/html */
// A bot's custom fields with add and delete; swapped as one unit (#fields).
import type { Bot } from "../../src/modules/bots/service";
import type { CustomField } from "../../src/modules/fields/service";
import { ErrorText } from "../layout";

export function FieldsSection({ bot, fields, types, error }: { bot: Bot; fields: CustomField[]; types: readonly string[]; error?: string }) {
  const base = `/admin/bots/${bot.flow_ns}/fields`;
  return (
    <section id="fields" class="card">
      <h2>Custom fields</h2>
      {fields.length === 0 ? (
        <p class="muted">No custom fields yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {fields.map((field) => (
              <tr>
                <td>
                  <code safe>{field.name}</code>
                </td>
                <td safe>{field.type}</td>
                <td class="actions">
                  <form method="post" action={`${base}/${field.id}/delete`} hx-post={`${base}/${field.id}/delete`} hx-target="#fields" hx-swap="outerHTML"
                    hx-confirm={`Delete the field ${field.name} and every value stored in it?`}>
                    <button type="submit" class="danger small">Delete</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="row" method="post" action={base} hx-post={base} hx-target="#fields" hx-swap="outerHTML">
        <label>
          Field name
          <input name="name" required pattern="[A-Za-z][A-Za-z0-9_]{0,63}" placeholder="booking_date" />
        </label>
        <label>
          Type
          <select name="type">
            {types.map((type) => (
              <option value={type} safe>
                {type}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Add field</button>
      </form>
      <ErrorText message={error} />
    </section>
  );
}
