// Chat messages of a contact, in (from the contact) and out (to the contact).
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { publicId } from "../../lib/ids";

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
  delivery_state: string;
  created_at: number;
}

const INSERT_MESSAGE = `INSERT INTO messages (public_id, contact_id, direction, msg_type, content, payload, mid, agent_id, delivery_state, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`;
const SELECT_BY_CONTACT = "SELECT * FROM messages WHERE contact_id = ? ORDER BY id DESC LIMIT ?";

export function createMessages({ db, clock }: { db: Database; clock: Clock }) {
  const insert = db.query<Message, [string, number, string, string, string, string, string | null, number | null, string, number]>(INSERT_MESSAGE);
  const byContact = db.query<Message, [number, number]>(SELECT_BY_CONTACT);

  return {
    /** An out message waiting for its channel delivery. Runs inside the caller's transaction. */
    storeOut(contactId: number, input: { msgType: string; content: string; payload?: unknown; agentId?: number | null }): Message {
      return insert.get(publicId("m", 16), contactId, "out", input.msgType, input.content, JSON.stringify(input.payload ?? {}), null, input.agentId ?? null, "pending", clock.now())!;
    },
    /** Newest first. */
    recent: (contactId: number, limit = 50): Message[] => byContact.all(contactId, limit),
  };
}

export type Messages = ReturnType<typeof createMessages>;
