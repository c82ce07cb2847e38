// The v1 message answer (messageToJson), for the OpenAPI document.
import { t } from "elysia";

export const messageJson = t.Object({
  _id: t.String(),
  mid: t.Nullable(t.String({ description: "The channel's id for the message" })),
  type: t.UnionEnum(["in", "out"]),
  msg_type: t.String(),
  content: t.String(),
  payload: t.Record(t.String(), t.Any()),
  agent_id: t.Integer({ description: "The agent who sent it, 0 for the bot" }),
  agent_name: t.Nullable(t.String({ description: "The admin user who sent it from the Inbox, by name; null for the bot or an API client" })),
  delivery_state: t.String({ description: "received, pending, sent, delivered, undelivered or failed" }),
  error_code: t.Nullable(t.String({ description: "The provider's reason it was not delivered" })),
  created_at: t.String(),
}, { title: "Message" });
