// Every route of UChat's hosted API (as its public API description lists them) and what this
// server does with it: served as is, served with a difference (named), or not served (why).
// The guide (/docs/guide) shows it as a table; a test holds it to the router.

/** Routes served here whose request and answer are UChat's (answers may add fields). */
const AS_IS = new Set([
  "GET /subscriber/get-info",
  "PUT /subscriber/update",
  "DELETE /subscriber/delete",
  "POST /subscriber/add-tag",
  "POST /subscriber/add-tags",
  "POST /subscriber/add-tag-by-name",
  "POST /subscriber/add-tags-by-name",
  "DELETE /subscriber/remove-tag",
  "DELETE /subscriber/remove-tags",
  "DELETE /subscriber/remove-tag-by-name",
  "DELETE /subscriber/remove-tags-by-name",
  "PUT /subscriber/set-user-field",
  "PUT /subscriber/set-user-fields",
  "PUT /subscriber/set-user-field-by-name",
  "PUT /subscriber/set-user-fields-by-name",
  "DELETE /subscriber/clear-user-field",
  "DELETE /subscriber/clear-user-fields",
  "DELETE /subscriber/clear-user-field-by-name",
  "DELETE /subscriber/clear-user-fields-by-name",
  "POST /subscriber/resume-bot",
  "POST /subscriber/unassign-agent",
  "GET /flow/tags",
  "GET /flow/user-fields",
  "GET /flow/subflows",
  "DELETE /flow/delete-tag",
  "DELETE /flow/delete-tag-by-name",
  "DELETE /flow/delete-user-field",
  "DELETE /flow/delete-user-field-by-name",
]);

const SUB_FLOW = "A sub-flow is a saved action list (made from a webhook's actions), not a flow-builder flow; the answer lists the actions' notes.";
const USER_ID = "user_id is the contact's phone (any format, or the digits UChat's user_id holds) or email.";

/** Routes served here with a difference a client may notice. */
const DIFFERENT: Record<string, string> = {
  "GET /subscribers": "Filters by name, phone, email, tag_ns and user_field_ns with user_field_value; not by channel, opt-in, 24-hour activity, label or event. Pages by cursor too (meta.next_cursor).",
  "GET /subscriber/get-info-by-user-id": USER_ID,
  "POST /subscriber/create": "Answers 201. image is not stored.",
  "POST /subscriber/send-text": "Sent through the bot's one channel.",
  "POST /subscriber/send-content": "Text, image, file, audio and video messages; no buttons, cards or dynamic content.",
  "POST /subscriber/send-sub-flow": SUB_FLOW,
  "POST /subscriber/send-sub-flow-by-flow-name": SUB_FLOW,
  "POST /subscriber/send-sub-flow-by-user-id": `${SUB_FLOW} ${USER_ID}`,
  "GET /subscriber/chat-messages": "type is in or out (a person's answer is out with its agent_id, not agent); start_time, end_time and include_bot are not read: the newest messages, up to limit.",
  "POST /subscriber/pause-bot": "minutes absent or 0 pauses until resumed.",
  "POST /subscriber/assign-agent": "agent_id is any number you choose: there are no agent accounts.",
  "GET /flow/inbound-webhooks": "sub_flow_ns is always null: a webhook runs its own actions.",
  "POST /flow/create-tag": "Answers 201 when created; an existing name answers 200 with that tag.",
  "POST /flow/create-user-field": "Answers 201. var_type may also be json; description is not stored.",
  "GET /flow/bot-users-count": "open counts the contacts whose bot is paused (a person answers), done the others; pending and spam are 0.",
};

interface Group {
  name: string;
  /** Why the routes of this group not served are not. */
  missing: string;
  /** Routes not served with a reason of their own. */
  reasons?: Record<string, string>;
  routes: string[];
}

const NO_FLOW_BUILDER = "There is no flow builder here: webhooks and sub-flows run action lists.";
const NO_INBOX = "No agent inbox here (shortcuts, closing notes): your own platform answers.";
const NO_BROADCASTS = "No broadcasts: send to each contact with send-text or send-sub-flow.";

export const UCHAT_ROUTES: Group[] = [
  {
    name: "Subscribers",
    missing: "Not kept by this server.",
    reasons: {
      "POST /subscriber/add-labels-by-name": "No labels: use tags.",
      "DELETE /subscriber/remove-labels-by-name": "No labels: use tags.",
      "POST /subscriber/assign-agent-group": "No agent groups.",
      "POST /subscriber/chat-messages-by-mids": "Read the conversation with chat-messages.",
      "POST /subscriber/create-many": "Create contacts one by one.",
      "POST /subscriber/log-custom-event": "No custom events.",
      "POST /subscriber/move-chat-to": "No conversation states: pause-bot and resume-bot.",
      "POST /subscriber/opt-in-email": "No opt-in records.",
      "POST /subscriber/opt-in-sms": "No opt-in records.",
      "DELETE /subscriber/opt-out-email": "No opt-in records.",
      "DELETE /subscriber/opt-out-sms": "No opt-in records.",
      "POST /subscriber/subscribe-to-bot": "A contact belongs to one bot from its creation.",
      "DELETE /subscriber/unsubscribe-from-bot": "Delete the contact instead.",
    },
    routes: [
      "GET /subscriber/get-info", "GET /subscriber/get-info-by-user-id", "GET /subscribers", "POST /subscriber/add-labels-by-name", "POST /subscriber/add-tag",
      "POST /subscriber/add-tag-by-name", "POST /subscriber/add-tags", "POST /subscriber/add-tags-by-name", "POST /subscriber/assign-agent", "POST /subscriber/assign-agent-group",
      "GET /subscriber/chat-messages", "POST /subscriber/chat-messages-by-mids", "DELETE /subscriber/clear-user-field", "DELETE /subscriber/clear-user-field-by-name",
      "DELETE /subscriber/clear-user-fields", "DELETE /subscriber/clear-user-fields-by-name", "POST /subscriber/create", "POST /subscriber/create-many", "DELETE /subscriber/delete",
      "POST /subscriber/log-custom-event", "POST /subscriber/move-chat-to", "POST /subscriber/opt-in-email", "POST /subscriber/opt-in-sms", "DELETE /subscriber/opt-out-email",
      "DELETE /subscriber/opt-out-sms", "POST /subscriber/pause-bot", "DELETE /subscriber/remove-labels-by-name", "DELETE /subscriber/remove-tag", "DELETE /subscriber/remove-tag-by-name",
      "DELETE /subscriber/remove-tags", "DELETE /subscriber/remove-tags-by-name", "POST /subscriber/resume-bot", "PUT /subscriber/set-user-field", "PUT /subscriber/set-user-field-by-name",
      "PUT /subscriber/set-user-fields", "PUT /subscriber/set-user-fields-by-name", "POST /subscriber/subscribe-to-bot", "POST /subscriber/unassign-agent",
      "DELETE /subscriber/unsubscribe-from-bot", "PUT /subscriber/update",
    ],
  },
  {
    name: "Flow",
    missing: NO_FLOW_BUILDER,
    reasons: {
      "GET /flow/agents": "No agent accounts.",
      "GET /flow/bot-fields": "No bot fields: keep such values in your own system.",
      "POST /flow/create-bot-field": "No bot fields.",
      "DELETE /flow/delete-bot-field": "No bot fields.",
      "DELETE /flow/delete-bot-field-by-name": "No bot fields.",
      "PUT /flow/set-bot-field": "No bot fields.",
      "PUT /flow/set-bot-field-by-name": "No bot fields.",
      "PUT /flow/set-bot-fields": "No bot fields.",
      "PUT /flow/set-bot-fields-by-name": "No bot fields.",
      "GET /flow/custom-events/data": "No custom events.",
      "GET /flow/custom-events/summary": "No custom events.",
      "GET /flow/custom-events": "No custom events.",
      "GET /flow/error-logs/data": "Webhook logs and deliveries are under /api/v1.",
      "GET /flow/segments": "No segments: list contacts by tag_ns or field value.",
      "POST /flow/update-user-field": "Fields are not renamed: create another.",
      "DELETE /flow/delete-sub-flow": "Sub-flows are kept; the admin shows them.",
      "GET /flow/chat-button-widgets": "No web chat widget.",
      "POST /flow/set-web-chat-widget-default-start-flow": "No web chat widget.",
      "GET /flow/closing-notes": NO_INBOX,
      "GET /flow/closing-notes/{id}": NO_INBOX,
      "POST /flow/create-closing-note": NO_INBOX,
      "PUT /flow/update-closing-note": NO_INBOX,
      "DELETE /flow/delete-closing-note": NO_INBOX,
      "GET /flow/shortcuts": NO_INBOX,
      "GET /flow/shortcuts/{id}": NO_INBOX,
      "POST /flow/create-shortcut": NO_INBOX,
      "PUT /flow/update-shortcut": NO_INBOX,
      "DELETE /flow/delete-shortcut": NO_INBOX,
      "GET /flow/settings/get-default-ai-provider": "No AI.",
      "POST /flow/settings/set-default-ai-provider": "No AI.",
      "POST /flow/settings/set-audio-transcription": "No AI.",
      "GET /flow/template-installs": "No flow templates.",
    },
    routes: [
      "GET /flow/agents", "GET /flow/bot-fields", "GET /flow/bot-users-count", "GET /flow/chat-button-widgets", "POST /flow/create-bot-field", "POST /flow/create-closing-note",
      "POST /flow/create-shortcut", "POST /flow/create-tag", "POST /flow/create-user-field", "GET /flow/custom-events/data", "GET /flow/custom-events/summary",
      "DELETE /flow/delete-bot-field", "DELETE /flow/delete-bot-field-by-name", "DELETE /flow/delete-closing-note", "DELETE /flow/delete-shortcut", "DELETE /flow/delete-sub-flow",
      "DELETE /flow/delete-tag", "DELETE /flow/delete-tag-by-name", "DELETE /flow/delete-user-field", "DELETE /flow/delete-user-field-by-name", "GET /flow/error-logs/data",
      "GET /flow/inbound-webhooks", "PUT /flow/set-bot-field", "PUT /flow/set-bot-field-by-name", "PUT /flow/set-bot-fields", "PUT /flow/set-bot-fields-by-name",
      "POST /flow/set-default-start-flow", "POST /flow/set-web-chat-widget-default-start-flow", "GET /flow/settings/get-default-ai-provider",
      "POST /flow/settings/set-audio-transcription", "POST /flow/settings/set-default-ai-provider", "GET /flow/template-installs", "PUT /flow/update-closing-note",
      "PUT /flow/update-shortcut", "POST /flow/update-user-field", "GET /flow/user-fields", "GET /flow/closing-notes/{id}", "GET /flow/shortcuts/{id}", "GET /flow/closing-notes",
      "GET /flow/custom-events", "GET /flow/segments", "GET /flow/shortcuts", "GET /flow/subflows", "GET /flow/tags",
    ],
  },
  {
    name: "Conversations",
    missing: "No conversation records or agent activity: the contact's messages are under chat-messages.",
    routes: ["GET /flow/agent-activity-log/data", "GET /flow/conversations/data"],
  },
  {
    name: "Sending",
    missing: NO_BROADCASTS,
    reasons: {
      "POST /subscriber/send-email": "A bot has one channel: send-text goes through it.",
      "POST /subscriber/send-sms": "A bot has one channel: send-text goes through it.",
      "POST /subscriber/send-main-flow": NO_FLOW_BUILDER,
      "POST /subscriber/send-node": NO_FLOW_BUILDER,
      "POST /subscriber/send-whatsapp-template": "Templates are your provider's: send through its own API.",
      "POST /subscriber/send-whatsapp-template-by-user-id": "Templates are your provider's: send through its own API.",
      "POST /subscriber/send-facebook-utility-message-template": "No Facebook channel.",
      "POST /subscriber/send-facebook-utility-message-template-by-user-id": "No Facebook channel.",
    },
    routes: [
      "POST /subscriber/broadcast-by-segment", "POST /subscriber/broadcast-by-tag", "POST /subscriber/broadcast-by-user-id", "POST /subscriber/broadcast-facebook-utility-message-template-by-tag",
      "POST /subscriber/broadcast-facebook-utility-message-template-by-user-id", "POST /subscriber/broadcast", "POST /subscriber/broadcast-whatsapp-template-by-tag",
      "POST /subscriber/broadcast-whatsapp-template-by-user-id", "DELETE /subscriber/broadcast/cancel", "DELETE /subscriber/broadcast/delete", "GET /subscriber/broadcasts",
      "POST /subscriber/send-content", "POST /subscriber/send-email", "POST /subscriber/send-facebook-utility-message-template", "POST /subscriber/send-facebook-utility-message-template-by-user-id",
      "POST /subscriber/send-main-flow", "POST /subscriber/send-node", "POST /subscriber/send-sms", "POST /subscriber/send-sub-flow", "POST /subscriber/send-sub-flow-by-flow-name",
      "POST /subscriber/send-sub-flow-by-user-id", "POST /subscriber/send-text", "POST /subscriber/send-whatsapp-template", "POST /subscriber/send-whatsapp-template-by-user-id",
    ],
  },
  {
    name: "WhatsApp and Facebook templates",
    missing: "Templates are your provider's: manage them there.",
    routes: [
      "POST /facebook-utility-message-template/create", "DELETE /facebook-utility-message-template/delete", "POST /facebook-utility-message-template/list", "POST /facebook-utility-message-template/sync",
      "POST /whatsapp-template/create", "DELETE /whatsapp-template/delete", "POST /whatsapp-template/list", "POST /whatsapp-template/sync",
    ],
  },
  {
    name: "Shop",
    missing: "No shop: products, carts, orders and discounts are not kept here.",
    routes: [
      "POST /shop/product-tags/create", "DELETE /shop/product-tags/{tagId}/delete", "GET /shop/product-tags/{tagId}/get-info", "GET /shop/discount-codes", "GET /shop/orders", "GET /shop/product-tags",
      "GET /shop/product-types", "GET /shop/product-vendors", "GET /shop/products", "GET /shop/locations", "GET /shop/business-hours/info", "PUT /shop/business-hours/update",
      "POST /shop/discount-codes/create", "DELETE /shop/discount-codes/{codeId}/delete", "DELETE /shop/discount-codes/delete-by-code", "GET /shop/discount-codes/{codeId}/get-info",
      "GET /shop/discount-codes/get-info-by-code", "PUT /shop/discount-codes/{codeId}/update", "POST /shop/locations/create", "DELETE /shop/locations/{locationId}/delete",
      "GET /shop/locations/{locationId}/get-info", "PUT /shop/locations/{locationId}/update", "POST /shop/orders/create", "GET /shop/orders/{orderId}/get-info", "PUT /shop/orders/{orderId}/update",
      "POST /shop/product-types/create", "DELETE /shop/product-types/{typeId}/delete", "GET /shop/product-types/{typeId}/get-info", "PUT /shop/product-types/{typeId}/update",
      "POST /shop/product-vendors/create", "DELETE /shop/product-vendors/{vendorId}/delete", "GET /shop/product-vendors/{vendorId}/get-info", "PUT /shop/product-vendors/{vendorId}/update",
      "POST /shop/products/create", "DELETE /shop/products/{productId}/delete", "GET /shop/products/{productId}/get-info", "PUT /shop/products/{productId}/update",
      "GET /shop/products/{productId}/variants", "POST /shop/products/{productId}/variants/create", "DELETE /shop/products/{productId}/variants/{variantId}/delete",
      "GET /shop/products/{productId}/variants/{variantId}/get-info", "PUT /shop/products/{productId}/variants/{variantId}/update", "POST /subscriber/add-to-cart", "GET /subscriber/cart",
      "POST /subscriber/cart-paid", "DELETE /subscriber/empty-cart", "DELETE /subscriber/remove-from-cart", "POST /subscriber/update-order-status", "PUT /shop/product-tags/{tagId}/update",
    ],
  },
  {
    name: "Team",
    missing: "No tickets, labels or agent groups: the admin has one account.",
    routes: [
      "GET /team/agent-group/{id}", "GET /team/agent-groups", "POST /team/create-agent-group", "POST /team/create-label", "DELETE /team/delete-agent-group/{id}", "DELETE /team/delete-label",
      "DELETE /team/delete-label-by-name", "GET /team/labels", "POST /team/ticket-lists/{listId}/items/{listItemId}/comments", "GET /team/ticket-lists/{listId}/items/{listItemId}/comments",
      "GET /team/ticket-lists", "POST /team/ticket-lists/{listId}/create", "DELETE /team/ticket-lists/{listId}/delete/{listItemId}", "GET /team/ticket-lists/{listId}/fields",
      "GET /team/ticket-lists/{listId}/items", "GET /team/ticket-lists/{listId}/log-data", "PUT /team/ticket-lists/{listId}/update/{listItemId}", "PUT /team/update-agent-group/{id}",
      "POST /team/update-agent-group-users/{id}",
    ],
  },
  {
    name: "AI",
    missing: "No AI agents, tasks or embeddings.",
    routes: [
      "POST /flow/ai-agent-info", "GET /flow/ai-agents", "POST /flow/ai-task-info", "GET /flow/ai-tasks", "POST /flow/update-ai-agent-provider", "POST /flow/update-ai-task-provider",
      "GET /openai-embeddings", "POST /openai-embeddings/create", "DELETE /openai-embeddings/{id}/delete", "POST /openai-embeddings/generate", "GET /openai-embeddings/{id}/get-info",
      "POST /openai-embeddings/import", "PUT /openai-embeddings/{id}/update",
    ],
  },
  {
    name: "Integrations",
    missing: "No third-party integrations: the live-chat relay is PUT /api/v1/integrations/webhook, anything else an http_request action.",
    routes: [
      "DELETE /integration/ainvented", "DELETE /integration/calude", "DELETE /integration/dropi", "DELETE /integration/meta-conversions-api", "DELETE /integration/openai",
      "DELETE /integration/s3storage", "DELETE /integration/shopify", "DELETE /integration/woocommerce", "DELETE /integration/xai", "GET /integration/ainvented", "GET /integration/dropi",
      "GET /integration/meta-conversions-api", "GET /integration/openai", "GET /integration/s3storage", "GET /integration/shopify", "GET /integration/woocommerce", "GET /integration/xai",
      "GET /installed-mini-app/list", "POST /installed-mini-app/update-api-key/{app_id}", "GET /integration/claude", "POST /integration/ainvented", "POST /integration/calude",
      "POST /integration/dropi", "POST /integration/meta-conversions-api", "POST /integration/openai", "POST /integration/s3storage", "POST /integration/shopify",
      "POST /integration/woocommerce", "POST /integration/xai", "POST /subscriber/app-trigger",
    ],
  },
  {
    name: "Workspace",
    missing: "One installation, one admin: bots are /api/v1/bots, settings /api/v1/settings.",
    routes: [
      "POST /announcements/read", "GET /flow-agent-summary", "GET /flow-summary", "GET /me", "GET /media-library", "POST /notifications/read", "GET /notifications/recent",
      "GET /team-bot-users", "GET /team-flows", "GET /team-info", "GET /team-members", "PUT /user/change-password", "GET /wa-call-logs", "GET /workspace-settings/channels",
      "GET /workspace-settings/live-chat-sidebar", "POST /workspace-settings/update-channels", "POST /workspace-settings/update-live-chat-sidebar",
    ],
  },
  {
    name: "Templates",
    missing: "No flow templates.",
    routes: ["GET /templates", "POST /template/{templateNs}/generate-one-time-link", "GET /template/{templateNs}/installs"],
  },
];

export type Support = "as is" | "with a difference" | "not served";

export function supportOf(route: string, group: Group): { support: Support; note: string } {
  if (AS_IS.has(route)) return { support: "as is", note: "" };
  if (route in DIFFERENT) return { support: "with a difference", note: DIFFERENT[route]! };
  return { support: "not served", note: group.reasons?.[route] ?? group.missing };
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** The guide's section: what holds everywhere, then one table per group. */
export function uchatRoutesMarkdown(): string {
  const tables = UCHAT_ROUTES.map((group) => {
    const rows = group.routes.map((route) => {
      const { support, note } = supportOf(route, group);
      const [method, path] = route.split(" ");
      return `| \`${method} /api${path}\` | ${support} | ${cell(note)} |`;
    });
    return `### ${group.name}\n\n| route | served | difference or reason |\n| --- | --- | --- |\n${rows.join("\n")}`;
  });
  return `## UChat routes, one by one
Every route of UChat's hosted API and what this server does with it. Everywhere: the token names
the bot (an installation-wide token adds \`flow_ns\`, else 422 \`flow_ns_required\`); answers are
\`{"status": "ok", "data": …}\` and may carry more fields than UChat's (\`fields\`, \`paused_until\`,
\`delivery_state\`…); a contact has no \`profile_pic\`, \`locale\`, \`language\`, opt-in or last-seen
times; custom field values keep their type (a number field's value is a number); errors are
\`{"status": "error", "message", "error": {"code", "message"}}\` with the status the reference names
(UChat's description names 400 for every error). Lists page by \`page\` and \`limit\` with \`meta.current_page\`,
\`per_page\`, \`total\` and \`last_page\` (without either, the flow lists give everything at once).

${tables.join("\n\n")}`;
}
