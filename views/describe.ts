// Actions as a person reads them: in the editor, before a replay, in the API's replay preview.
import { describeRule } from "../src/lib/conditions";
import type { Action } from "../src/modules/inbound/actions";

export function describeAction(action: Action): string {
  const what = (() => {
    switch (action.type) {
      case "send_text":
        return `Send text: ${action.text}`;
      case "add_tag":
        return `Add tag: ${action.tag}`;
      case "remove_tag":
        return `Remove tag: ${action.tag}`;
      case "set_field":
        return `Set ${action.field} to ${action.value}`;
      case "pause_bot":
        return action.minutes === null ? "Pause the bot until resumed" : `Pause the bot for ${action.minutes} minutes`;
      case "resume_bot":
        return "Resume the bot";
      case "http_request":
        return action.response ? `${action.method} ${action.url}, then ${describeResponse(action.response)}` : `${action.method} ${action.url}`;
    }
  })();
  return action.when ? `${what}, only when ${describeWhen(action)}` : what;
}

/** An action's own condition: `plan equals "gold" and total is greater than 100`. */
export function describeWhen(action: Action): string {
  return action.when ? action.when.rules.map(describeRule).join(action.when.match === "all" ? " and " : " or ") : "";
}

/** What an action does outside Switchboard when it runs again (a replay), or null. */
export function actsOutside(action: Action): string | null {
  switch (action.type) {
    case "send_text":
      return "sends the text to the contact again";
    case "http_request":
      return "calls the URL again";
    default:
      return null;
  }
}

/** An http_request's response handling in a line: "saves 2 values, tags from 1 path; on success 1 action, on failure 1". */
function describeResponse(response: NonNullable<Extract<Action, { type: "http_request" }>["response"]>): string {
  const parts = [
    response.mappings.length ? `saves ${response.mappings.map((m) => `${m.path} → ${m.field}`).join(", ")}` : "",
    response.tags.length ? `tags from ${response.tags.join(", ")}` : "",
    ...(["on_success", "on_client_error", "on_server_error", "on_failure"] as const).map((branch) =>
      response[branch].length ? `${branch.replace("on_", "on ").replace("_", " ")}: ${response[branch].map(describeAction).join("; ")}` : "",
    ),
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "nothing with the response";
}
