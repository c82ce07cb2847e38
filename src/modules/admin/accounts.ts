// The admin account, its one-time setup link and its login sessions.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { constantTimeEqual, secretToken, sha256Hex } from "../../lib/ids";
import { errors } from "../../http/errors";

export interface Session {
  id_hash: string;
  admin_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
export const MIN_PASSWORD_LENGTH = 8;
const ADMIN_USERNAME = "admin";

const COUNT_ADMINS = "SELECT count(*) AS n FROM admins";
const SELECT_ADMIN = "SELECT id, password_hash FROM admins WHERE username = ?";
const UPSERT_ADMIN = `INSERT INTO admins (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at RETURNING id`;
const SELECT_SETTING = "SELECT value FROM team_settings WHERE key = ?";
const UPSERT_SETTING = "INSERT INTO team_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
const DELETE_SETTING = "DELETE FROM team_settings WHERE key = ?";
const INSERT_SESSION = "INSERT INTO sessions (id_hash, admin_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING *";
const SELECT_SESSION = "SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?";
const DELETE_SESSION = "DELETE FROM sessions WHERE id_hash = ?";
const DELETE_ADMIN_SESSIONS = "DELETE FROM sessions WHERE admin_id = ?";
const DELETE_EXPIRED_SESSIONS = "DELETE FROM sessions WHERE expires_at <= ?";

const SETUP_TOKEN_KEY = "setup_token_hash";

export function createAccounts({ db, clock }: { db: Database; clock: Clock }) {
  const countAdmins = db.query<{ n: number }, []>(COUNT_ADMINS);
  const selectAdmin = db.query<{ id: number; password_hash: string }, [string]>(SELECT_ADMIN);
  const upsertAdmin = db.query<{ id: number }, [string, string, number, number]>(UPSERT_ADMIN);
  const selectSetting = db.query<{ value: string }, [string]>(SELECT_SETTING);
  const upsertSetting = db.query(UPSERT_SETTING);
  const deleteSetting = db.query(DELETE_SETTING);
  const insertSession = db.query<Session, [string, number, string, number, number]>(INSERT_SESSION);
  const selectSession = db.query<Session, [string, number]>(SELECT_SESSION);
  const deleteSession = db.query(DELETE_SESSION);
  const deleteAdminSessions = db.query(DELETE_ADMIN_SESSIONS);
  const deleteExpired = db.query(DELETE_EXPIRED_SESSIONS);

  const hasAdmin = () => countAdmins.get()!.n > 0;

  const setupTokenMatches = (token: string) => {
    const stored = selectSetting.get(SETUP_TOKEN_KEY)?.value;
    return !hasAdmin() && stored !== undefined && constantTimeEqual(stored, sha256Hex(token));
  };

  /**
   * Setting the password signs out every session: a changed password must lock out the old
   * holder. With `setupToken`, the token must still be valid inside the same transaction, so
   * it is used once; returns the admin's id, or null when the token no longer is.
   */
  async function setPassword(password: string, setupToken?: string): Promise<number | null> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw errors.validation(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    const hash = await Bun.password.hash(password);
    const now = clock.now();
    return db.transaction(() => {
      if (setupToken !== undefined && !setupTokenMatches(setupToken)) return null;
      const { id } = upsertAdmin.get(ADMIN_USERNAME, hash, now, now)!;
      deleteAdminSessions.run(id);
      deleteSetting.run(SETUP_TOKEN_KEY);
      return id;
    }).immediate();
  }

  return {
    hasAdmin,
    setPassword: async (password: string): Promise<void> => void (await setPassword(password)),
    /** First-run setup: sets the password only while the setup token is unused. */
    setPasswordWithSetupToken: (token: string, password: string) => setPassword(password, token),

    /** A fresh one-time setup token; only its hash is kept, and it dies when a password is set. */
    issueSetupToken(): string {
      const token = secretToken(24);
      upsertSetting.run(SETUP_TOKEN_KEY, sha256Hex(token));
      return token;
    },
    isSetupToken: setupTokenMatches,

    /** Returns the admin's id when the password is right. */
    async checkPassword(password: string): Promise<number | null> {
      const admin = selectAdmin.get(ADMIN_USERNAME);
      if (!admin) return null;
      return (await Bun.password.verify(password, admin.password_hash)) ? admin.id : null;
    },

    /** A new session id every login, so a planted cookie is never promoted (session fixation). */
    startSession(adminId: number): { sessionId: string; session: Session } {
      const sessionId = secretToken(32);
      const now = clock.now();
      deleteExpired.run(now);
      const session = insertSession.get(sha256Hex(sessionId), adminId, secretToken(24), now, now + SESSION_TTL_MS)!;
      return { sessionId, session };
    },
    findSession: (sessionId: string): Session | null => selectSession.get(sha256Hex(sessionId), clock.now()),
    endSession(sessionId: string): void {
      deleteSession.run(sha256Hex(sessionId));
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
