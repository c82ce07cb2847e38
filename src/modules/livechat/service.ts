// Live-chat operations shared by the v1 API, the subscriber API and the admin: answering as an
// agent, running sub-flows.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { errors } from "../../http/errors";
import type { Bot } from "../bots/service";
import type { Channels, OutInput } from "../channels/service";
import type { Contact, Contacts } from "../contacts/service";
import type { Deliveries } from "../deliveries/service";
import type { Fields } from "../fields/service";
import { newRun, runActions } from "../inbound/actions";
import type { Message } from "../messages/service";
import type { SubFlows } from "./subflows";

export function createLiveChat({ db, clock, contacts, fields, channels, deliveries, subFlows }: { db: Database; clock: Clock; contacts: Contacts; fields: Fields; channels: Channels; deliveries: Deliveries; subFlows: SubFlows }) {
  return {
    /** Stores the out message and queues it through the contact's bot channel, in one transaction. */
    send(bot: Bot, contact: Contact, inputs: OutInput[]): Message[] {
      return db.transaction(() => inputs.map((input) => channels.sendOut(bot, contact, input))).immediate();
    },

    runSubFlow(bot: Bot, contact: Contact, subFlowNs: string): { notes: string[] } {
      const flow = subFlows.get(subFlowNs);
      if (flow.bot_id !== bot.id) throw errors.notFound("sub-flow", subFlowNs); // another bot's reads as unknown
      const notes: string[] = [];
      db.transaction(() => {
        runActions(flow.actions, newRun(bot, contact, true, fields.byName(bot.id), {}, notes, `subflow:${flow.id}`), { contacts, channels, deliveries, now: () => clock.now() });
      }).immediate();
      return { notes };
    },
  };
}

export type LiveChat = ReturnType<typeof createLiveChat>;
