// Chat messages of a contact, in (from the contact) and out (to the contact).
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { publicId } from "../../lib/ids";
import type { Publish } from "../live/events";
import { SQL } from "./repo";

export interface Message {
  id: number;
  public_id: string;
  contact_id: number;
  direction: "in" | "out";
  msg_type: string;
  content: string;
  payload: string;
  mid: string | null;
  agent_id: number | null;
  /** The admin user who sent it from the Inbox, by name (null: the bot, or an API client). */
  agent_name: string | null;
  delivery_state: string;
  /** For a contact's message while paused: `queued` (see its relay delivery) or `integration_off`. */
  relay: MessageRelay | null;
  /** The provider's reason a message was not delivered (Twilio's ErrorCode). */
  error_code: string | null;
  created_at: number;
}

export type MessageRelay = "queued" | "integration_off";


export interface MessageContact {
  message_id: number;
  user_ns: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
}

/** The live topic of a contact's conversation (the admin's contact page listens to it). */
export const conversationTopic = (contactId: number) => `contact-${contactId}`;

export function createMessages({ db, clock, publish = () => {} }: { db: Database; clock: Clock; publish?: Publish }) {
  const insert = db.query<Message, [string, number, string, string, string, string, string | null, number | null, string | null, string, number]>(SQL.INSERT_MESSAGE);
  const byContact = db.query<Message, [number, number, number]>(SQL.SELECT_BY_CONTACT);
  const updateState = db.query<{ contact_id: number }, [string, number]>(SQL.UPDATE_STATE);
  const updateRelay = db.query<{ contact_id: number }, [string, number]>(SQL.UPDATE_RELAY);
  const selectContact = db.query<{ contact_id: number }, [number]>(SQL.SELECT_CONTACT);
  const updateProviderStatus = db.query<{ contact_id: number }, [string, string | null, number]>(SQL.UPDATE_PROVIDER_STATUS);
  const selectByPublicId = db.query<Message, [string]>(SQL.SELECT_BY_PUBLIC_ID);
  const selectContactsOf = db.query<MessageContact, [string]>(SQL.SELECT_CONTACTS_OF);
  const changed = (row: { contact_id: number } | null) => {
    if (row) publish(conversationTopic(row.contact_id));
  };

  return {
    /** Runs inside the caller's transaction. */
    store(
      contactId: number,
      input: { direction: "in" | "out"; msgType: string; content: string; payload?: unknown; mid?: string | null; agentId?: number | null; agentName?: string | null; state: string },
    ): Message {
      const message = insert.get(publicId("m", 16), contactId, input.direction, input.msgType, input.content, JSON.stringify(input.payload ?? {}), input.mid ?? null, input.agentId ?? null, input.agentName ?? null, input.state, clock.now())!;
      publish(conversationTopic(contactId));
      publish("inbox"); // its last message
      return message;
    },
    setState(id: number, state: string): void {
      changed(updateState.get(state, id));
    },
    byPublicId: (publicIdValue: string): Message | null => selectByPublicId.get(publicIdValue),
    /** What the provider says became of an out message (a status callback), with its error code. */
    setProviderStatus(id: number, state: string, errorCode: string | null): void {
      changed(updateProviderStatus.get(state, errorCode, id));
    },
    /** Records whether a paused contact's message went to the relay; in its transaction. */
    setRelay(id: number, relay: MessageRelay): void {
      changed(updateRelay.get(relay, id));
    },
    /** Whose messages these are, by message id (who a delivery was for). */
    contactsOf(messageIds: number[]): Map<number, MessageContact> {
      if (messageIds.length === 0) return new Map();
      return new Map(selectContactsOf.all(JSON.stringify(messageIds)).map((row) => [row.message_id, row]));
    },
    /** Something about the message changed elsewhere (its relay delivery finished). */
    touched(id: number): void {
      changed(selectContact.get(id));
    },
    /** Newest first, `before` a message id for paging. */
    recent: (contactId: number, limit = 50, before = Number.MAX_SAFE_INTEGER): Message[] => byContact.all(contactId, before, limit),
  };
}

export type Messages = ReturnType<typeof createMessages>;

export function messageToJson(message: Message) {
  return {
    _id: message.public_id,
    mid: message.mid,
    type: message.direction,
    msg_type: message.msg_type,
    content: message.content,
    payload: JSON.parse(message.payload) as Record<string, unknown>,
    agent_id: message.agent_id ?? 0,
    agent_name: message.agent_name,
    delivery_state: message.delivery_state,
    error_code: message.error_code,
    created_at: new Date(message.created_at).toISOString(),
  };
}
