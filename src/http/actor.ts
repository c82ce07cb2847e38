// Who made a request: the guards name the signed-in user or the API token as soon as they know
// it, and the audit log (modules/audit) reads it when the request's outcome is recorded.
export interface Actor {
  kind: "user" | "token";
  /** The user's name, or the token's name. */
  name: string;
  /** The user's id, or the token's prefix (token names need not be unique). */
  ref: string;
}

const actors = new WeakMap<Request, Actor>();

export const setActor = (request: Request, actor: Actor): void => void actors.set(request, actor);
export const actorOf = (request: Request): Actor | null => actors.get(request) ?? null;
