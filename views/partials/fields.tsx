/** @jsxImportSource @kitajs/html */
// A bot's custom fields with add and delete; swapped as one unit (#fields).
import type { Bot } from "../../src/modules/bots/service";
import type { CustomField } from "../../src/modules/fields/service";
import { ErrorText } from "../layout";

export function FieldsSection({ bot, fields, types, typed, error }: { bot: Bot; fields: CustomField[]; types: readonly string[]; typed?: Record<string, string | undefined>; error?: string }) {
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
          <input name="name" value={typed?.name ?? ""} required maxlength="64" placeholder="booking_date" title="Letters, digits and _, starting with a letter" />
        </label>
        <label>
          Type
          <select name="type">
            {types.map((type) => (
              <option value={type} selected={typed?.type === type} safe>
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
