// A contact's paused_until when the bot is paused until someone resumes it (no end time).
export const PAUSED_FOREVER = Number.MAX_SAFE_INTEGER;

/** Whether a paused_until value means "until resumed". */
export const pausedForever = (pausedUntil: number | null) => pausedUntil !== null && pausedUntil >= PAUSED_FOREVER;
