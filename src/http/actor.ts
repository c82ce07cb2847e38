// Who made a request: the guards name the signed-in user or the API token as soon as they know
// it, and the audit log (modules/audit) reads it when the request's outcome is recorded.
export interface Actor {
  kind: "user" | "token" | "command";
  /** The user's name, the token's name, or the system account that ran a command (modules/audit/command-line.ts). */
  name: string;
  /** The user's id, the token's prefix (token names need not be unique), or "command line". */
  ref: string;
}

const actors = new WeakMap<Request, Actor>();

export const setActor = (request: Request, actor: Actor): void => void actors.set(request, actor);
export const actorOf = (request: Request): Actor | null => actors.get(request) ?? null;
