// The channels a bot can be on, and whether the bot may write first to someone who never
// wrote to it (the platforms' anti-spam rules; see DESIGN.md "Domain").
export const CHANNELS = {
  sms: { canInitiate: true },
  whatsapp: { canInitiate: true },
  voice: { canInitiate: true },
  email: { canInitiate: true },
  telegram: { canInitiate: false },
  messenger: { canInitiate: false },
  instagram: { canInitiate: false },
  webchat: { canInitiate: false },
  // The built-in channel for trying flows without a provider; behaves like SMS.
  test: { canInitiate: true },
} as const;

export type Channel = keyof typeof CHANNELS;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];

export const LIVE_CHAT_MODES = ["none", "webhook"] as const;
export type LiveChatMode = (typeof LIVE_CHAT_MODES)[number];
