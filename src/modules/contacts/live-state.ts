// A contact's live-chat state: whether the bot is paused for them (until when) and which agent
// is assigned; every change is told to the pages that show it.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { PAUSED_FOREVER } from "../../lib/pause";
import type { Bot } from "../bots/service";
import { SQL } from "./repo";
import type { Contact } from "./service";

export function createLiveChatState({ db, clock, get, stateChanged }: { db: Database; clock: Clock; get: (userNs: string) => { contact: Contact; bot: Bot }; stateChanged: (contactId: number) => void }) {
  const updatePaused = db.query(SQL.UPDATE_PAUSED);
  const updateAgent = db.query(SQL.UPDATE_AGENT);
  const selectById = db.query<Contact, [number]>(SQL.SELECT_BY_ID);
  const selectPaused = db.query<Contact & { last_message: string | null }, [number, number]>(SQL.SELECT_PAUSED);
  const countByState = db.query<{ total: number; paused: number }, [number, number]>(SQL.COUNT_BY_STATE);

  return {
    /** Pauses the bot for a contact for `minutes`, or until resumed when null. */
    pause(userNs: string, minutes: number | null): { contact: Contact; bot: Bot } {
      const { contact, bot } = get(userNs);
      updatePaused.run(minutes === null ? PAUSED_FOREVER : clock.now() + minutes * 60_000, clock.now(), contact.id);
      stateChanged(contact.id);
      return { contact: selectById.get(contact.id)!, bot };
    },
    resume(userNs: string): { contact: Contact; bot: Bot } {
      const { contact, bot } = get(userNs);
      updatePaused.run(null, clock.now(), contact.id);
      stateChanged(contact.id);
      return { contact: selectById.get(contact.id)!, bot };
    },
    /** `agentName`: an admin user's name (the Inbox); an agent named by id alone (the API) has none. */
    assignAgent(userNs: string, agentId: number | null, agentName: string | null = null): { contact: Contact; bot: Bot } {
      const { contact, bot } = get(userNs);
      updateAgent.run(agentId, agentId === null ? null : agentName, clock.now(), contact.id);
      stateChanged(contact.id);
      return { contact: selectById.get(contact.id)!, bot };
    },
    /** Contacts whose bot is paused now, most recently active first, with their last message. */
    paused: (limit = 100) => selectPaused.all(clock.now(), limit),
    /** How many of the bot's contacts there are, and how many are paused (talking to a person) now. */
    counts: (botId: number) => countByState.get(clock.now(), botId)!,
  };
}
