// What an http_request action does with the answer (UChat's External Request): when its
// delivery finishes, values from the response's JSON go into the contact's fields and tags, and
// the follow-up actions of the outcome run (2xx, 4xx, 5xx, or failed for good). It runs inside
// the transaction that records the finishing attempt, so its writes and the delivery's state
// commit together, and anything it sends is queued after the contact's earlier messages.
import { readAt } from "../../lib/json-path";
import type { Bots } from "../bots/service";
import type { Channels } from "../channels/service";
import type { Contacts } from "../contacts/service";
import type { Deliveries, Delivery } from "../deliveries/service";
import type { Fields } from "../fields/service";
import { change, MAX_TAG_LENGTH, MAX_TAGS, newRun, runActions, savedAction, writeMappings, type Action, type ResponseConfig } from "./actions";

export type ResponseOutcome = "2xx" | "4xx" | "5xx" | "failed";

/** What the delivery row keeps of it (`follow_up`), for its detail page and the contact's. */
export interface FollowUp {
  outcome: ResponseOutcome;
  written: Record<string, unknown>;
  tags: string[];
  actions: number;
  notes: string[];
}

export interface ResponseHandlingDeps {
  bots: Bots;
  fields: Fields;
  contacts: Contacts;
  channels: Channels;
  deliveries: Deliveries;
  now: () => number;
  /** The saved actions a delivery's `secret_ref` points into (`webhook:12`, `subflow:3`). */
  actionsOf: (source: string, ownerId: number) => Action[] | null;
}

/** The outcome of a finished delivery: succeeded is 2xx; a failure by the last status it got. */
export function outcomeOf(state: Delivery["state"], status: number | null): ResponseOutcome {
  if (state === "succeeded") return "2xx";
  if (status !== null && status >= 400 && status < 500) return "4xx";
  if (status !== null && status >= 500) return "5xx";
  return "failed";
}

/** The follow-ups of an outcome: a 4xx or 5xx without its own list runs on_failure's. */
function branchFor(handling: ResponseConfig, outcome: ResponseOutcome): Action[] {
  switch (outcome) {
    case "2xx":
      return handling.on_success;
    case "4xx":
      return handling.on_client_error.length ? handling.on_client_error : handling.on_failure;
    case "5xx":
      return handling.on_server_error.length ? handling.on_server_error : handling.on_failure;
    case "failed":
      return handling.on_failure;
  }
}

export function createResponseHandling(deps: ResponseHandlingDeps) {
  return {
    /**
     * Inside the finishing attempt's transaction. Returns what was done (to be kept on the row),
     * or null when the delivery has no response handling.
     */
    handle(delivery: Delivery, state: Delivery["state"], status: number | null, body: string | null): FollowUp | null {
      if (delivery.kind !== "http_request" || state === "pending" || !delivery.secret_ref) return null;
      const [source, ownerId, ...ref] = delivery.secret_ref.split(":");
      if (source !== "webhook" && source !== "subflow") return null;
      const action = savedAction(deps.actionsOf(source, Number(ownerId)), ref.join(":"));
      if (!action?.response) return null;
      const handling = action.response;
      const outcome = outcomeOf(state, status);
      const followUp: FollowUp = { outcome, written: {}, tags: [], actions: 0, notes: [] };

      const contactId = /^http:(\d+)$/.exec(delivery.ordering_key ?? "")?.[1];
      const contact = contactId ? deps.contacts.byId(Number(contactId)) : null;
      const bot = delivery.bot_id === null ? null : deps.bots.getById(delivery.bot_id);
      if (!contact || !bot) {
        followUp.notes.push("the contact was deleted; nothing done");
        return followUp;
      }

      let json: unknown;
      if (body !== null && body.trim() !== "") {
        try {
          json = JSON.parse(body);
        } catch {
          if (outcome === "2xx") followUp.notes.push("the response is not JSON: nothing read from it");
        }
      }
      const run = newRun(bot, contact, true, deps.fields.byName(bot.id), json ?? null, followUp.notes, null);
      const actionDeps = { contacts: deps.contacts, channels: deps.channels, deliveries: deps.deliveries, now: deps.now };

      if (outcome === "2xx" && json !== undefined) {
        writeMappings(handling.mappings, json, "response", run, actionDeps);
        const tags = new Set(JSON.parse(run.contact.tags) as string[]);
        for (const path of handling.tags) {
          const found = readAt(json, path);
          const values = Array.isArray(found) ? found : found === undefined || found === null ? [] : [found];
          for (const value of values) {
            const tag = typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
            if (!tag || tag.length > MAX_TAG_LENGTH) {
              followUp.notes.push(`response ${path}: ${JSON.stringify(value)?.slice(0, 50)} is not a tag (text up to ${MAX_TAG_LENGTH} characters)`);
              continue;
            }
            if (!tags.has(tag) && tags.size >= MAX_TAGS) continue;
            if (!tags.has(tag)) followUp.tags.push(tag);
            tags.add(tag);
          }
        }
        if (followUp.tags.length > 0) change(run, { tags: JSON.stringify([...tags]) });
      }

      const branch = branchFor(handling, outcome);
      followUp.actions = branch.length;
      runActions(branch, run, actionDeps); // and stores the contact
      followUp.written = run.written;
      return followUp;
    },
  };
}

export type ResponseHandling = ReturnType<typeof createResponseHandling>;
