// A token bucket: `capacity` tokens, refilled evenly so an empty bucket is full again after
// `refillSeconds`. Pure: the caller stores the state (SQLite for webhooks, memory for IPs).
export interface BucketState {
  tokens: number;
  updatedAt: number; // ms
}

export interface BucketLimits {
  capacity: number;
  refillSeconds: number;
}

export type TakeResult = { allowed: true; state: BucketState } | { allowed: false; state: BucketState; retryAfterSeconds: number };

export function takeToken(state: BucketState, limits: BucketLimits, now: number): TakeResult {
  const perMs = limits.capacity / (limits.refillSeconds * 1000);
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(limits.capacity, state.tokens + elapsed * perMs);
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, updatedAt: now } };
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  return { allowed: false, state: { tokens, updatedAt: now }, retryAfterSeconds };
}

