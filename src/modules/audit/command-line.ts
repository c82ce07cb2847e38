// Changes made on the server's own command line (`switchboard token create`, `admin
// set-password`, `admin reset-two-factor`) are in the audit log beside the admin's and the API's,
// naming the operating system's account that ran them. As for a request, the row is written
// before the change (status 0) and given its outcome after: a crash in between leaves the attempt.
import { readFileSync } from "node:fs";
import type { Actor } from "../../http/actor";
import { changeOf, masked } from "../../lib/audit-change";
import type { Audit } from "./service";
import { readEntity, type Reader } from "./recorder";

/** Who runs the command: the account logged in (the caller of sudo when run through it). */
export function commandLineActor(env: Record<string, string | undefined> = process.env): Actor {
  return { kind: "command", name: env.SUDO_USER || env.USER || env.LOGNAME || accountName(), ref: "command line" };
}

/**
 * The process's own account, when the environment does not say (a service, a bare shell): its
 * uid's name in /etc/passwd (Bun's os.userInfo() reads the name from $USER, so it cannot).
 */
function accountName(): string {
  const uid = process.getuid?.();
  try {
    const entry = readFileSync("/etc/passwd", "utf8").split("\n").find((line) => line.split(":")[2] === String(uid));
    if (entry) return entry.split(":")[0]!;
  } catch {
    // no passwd file to read (a minimal container): the uid says who
  }
  return uid === undefined ? "unknown" : `uid ${uid}`;
}

export interface Command<T> {
  /** As typed after `switchboard`: "token create". */
  command: string;
  entity: string;
  action: string;
  /** The subject's id when it exists before the change. */
  id?: string | null;
  /** The subject's id once changed (a created token's). */
  idAfter?: (result: T) => string | null;
}

/** Runs `change` with its audit row around it; a refused change is recorded with its status and no change. */
export async function auditedCommand<T>({ audit, readers }: { audit: Audit; readers: Record<string, Reader> }, what: Command<T>, change: () => T | Promise<T>): Promise<T> {
  const read = (id: string | null | undefined) => (id === null || id === undefined ? null : readEntity(readers, what.entity, id));
  const before = read(what.id);
  const row = audit.record({ actor: commandLineActor(), address: null, method: "CLI", route: `switchboard ${what.command}`, entity: what.entity, entityId: what.id ?? null, action: what.action, status: 0, before: masked(before), after: null });
  let result: T;
  try {
    result = await change();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    audit.finish(row, { entityId: what.id ?? null, status: typeof status === "number" ? status : 500, before: null, after: null });
    throw error;
  }
  const id = what.idAfter ? what.idAfter(result) : (what.id ?? null);
  const { before: was, after: is } = changeOf(before, read(id));
  audit.finish(row, { entityId: id, status: 200, before: was, after: is });
  return result;
}
