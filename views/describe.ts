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
        return `${action.method} ${action.url}`;
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
