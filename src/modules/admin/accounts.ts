// The admin account, its one-time setup link and its login sessions.
import type { Database } from "bun:sqlite";
import type { Clock } from "../../lib/clock";
import { constantTimeEqual, secretToken, sha256Hex } from "../../lib/ids";
import { errors } from "../../http/errors";
import { SQL } from "./repo";
import type { Settings } from "../settings/service";
import type { Role } from "./roles";

export interface Session {
  id_hash: string;
  admin_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface User {
  id: number;
  username: string;
  role: Role;
  created_at: number;
  disabled_at: number | null;
}

export interface Invitation {
  id: number;
  token_hash: string;
  role: Role;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: number | null;
  /** Set for a password-reset link: the existing user it lets choose a new password. */
  for_user: number | null;
}

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
export const INVITATION_TTL_MS = 72 * 3600 * 1000;
export const MIN_PASSWORD_LENGTH = 8;
/** The first account (the one password of before) and the name a login without one means. */
export const OWNER_USERNAME = "admin";
// A user name: letters, digits and . _ - (it is typed at login and shown beside changes).
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;


const SETUP_TOKEN_KEY = "setup_token_hash";

export function createAccounts({ db, clock, settings }: { db: Database; clock: Clock; settings: Settings }) {
  const countAdmins = db.query<{ n: number }, []>(SQL.COUNT_ADMINS);
  const selectAdmin = db.query<{ id: number; password_hash: string; disabled_at: number | null }, [string]>(SQL.SELECT_ADMIN);
  const selectUser = db.query<User, [number]>(SQL.SELECT_ADMIN_BY_ID);
  const selectTotp = db.query<{ totp_secret: string | null }, [number]>(SQL.SELECT_TOTP);
  const selectUsers = db.query<User, []>(SQL.SELECT_USERS);
  const countActiveOwners = db.query<{ n: number }, []>(SQL.COUNT_ACTIVE_OWNERS);
  const updateRole = db.query(SQL.UPDATE_ROLE);
  const setDisabled = db.query(SQL.SET_DISABLED);
  const deleteAdmin = db.query(SQL.DELETE_ADMIN);
  const insertUser = db.query<{ id: number }, [string, string, Role, number, number]>(SQL.INSERT_USER);
  const insertInvitation = db.query<Invitation, [string, Role, number, number, number, number | null]>(SQL.INSERT_INVITATION);
  const setPasswordHash = db.query(SQL.SET_PASSWORD_HASH);
  const selectInvitation = db.query<Invitation, [string]>(SQL.SELECT_INVITATION);
  const selectOpenInvitations = db.query<Invitation, [number]>(SQL.SELECT_OPEN_INVITATIONS);
  const useInvitation = db.query(SQL.USE_INVITATION);
  const deleteInvitation = db.query(SQL.DELETE_INVITATION);
  const upsertAdmin = db.query<{ id: number }, [string, string, Role, number, number]>(SQL.UPSERT_ADMIN);
  const selectRole = db.query<{ role: Role }, [number]>(SQL.SELECT_ROLE);
  const insertSession = db.query<Session, [string, number, string, number, number]>(SQL.INSERT_SESSION);
  const selectSession = db.query<Session, [string, number]>(SQL.SELECT_SESSION);
  const deleteSession = db.query(SQL.DELETE_SESSION);
  const deleteAdminSessions = db.query(SQL.DELETE_ADMIN_SESSIONS);
  const deleteExpired = db.query(SQL.DELETE_EXPIRED_SESSIONS);

  const hasAdmin = () => countAdmins.get()!.n > 0;
  function existingUser(id: number): User {
    const user = Number.isSafeInteger(id) ? selectUser.get(id) : null;
    if (!user) throw errors.notFound("user", String(id));
    return user;
  }
  /** The invitation a link's token names, while it can still be used. */
  function openInvitation(token: string): Invitation | null {
    const invitation = token ? selectInvitation.get(sha256Hex(token)) : null;
    return invitation && invitation.used_at === null && invitation.expires_at > clock.now() ? invitation : null;
  }
  function keepAnOwner(user: User): void {
    if (user.disabled_at === null && countActiveOwners.get()!.n <= 1) throw errors.validation(`${user.username} is the last owner: make another user an owner first.`, "last_owner");
  }
  let unknownUserHash: string | null = null;

  const setupTokenMatches = (token: string) => {
    const stored = settings.value(SETUP_TOKEN_KEY);
    return !hasAdmin() && stored !== null && constantTimeEqual(stored, sha256Hex(token));
  };

  /**
   * Setting the password signs out every session: a changed password must lock out the old
   * holder. With `setupToken`, the token must still be valid inside the same transaction, so
   * it is used once; returns the admin's id, or null when the token no longer is.
   */
  async function setPassword(password: string, { setupToken, username = OWNER_USERNAME, role = "owner" }: { setupToken?: string; username?: string; role?: Role } = {}): Promise<number | null> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw errors.validation(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    if (!USERNAME.test(username)) throw errors.validation("A user name is 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
    const hash = await Bun.password.hash(password);
    const now = clock.now();
    return db.transaction(() => {
      if (setupToken !== undefined && !setupTokenMatches(setupToken)) return null;
      const { id } = upsertAdmin.get(username, hash, role, now, now)!;
      deleteAdminSessions.run(id);
      settings.setValue(SETUP_TOKEN_KEY, null);
      return id;
    }).immediate();
  }

  return {
    hasAdmin,
    /** Sets a user's password (creating the user with `role` when new; the owner by default); signs the user out everywhere. */
    setPassword: async (password: string, user: { username?: string; role?: Role } = {}): Promise<void> => void (await setPassword(password, user)),
    /** First-run setup: sets the owner's password only while the setup token is unused. */
    setPasswordWithSetupToken: (token: string, password: string) => setPassword(password, { setupToken: token }),
    /** An owner who must set up two-factor sign-in before anything else (the installation asks it). */
    needsTwoFactorSetup(adminId: number): boolean {
      if (!settings.get().require_owner_two_factor) return false;
      const user = selectUser.get(adminId);
      return user?.role === "owner" && !selectTotp.get(adminId)?.totp_secret;
    },
    /** The user's role now (null: no such user any more). */
    roleOf: (adminId: number): Role | null => selectRole.get(adminId)?.role ?? null,

    /** A fresh one-time setup token; only its hash is kept, and it dies when a password is set. */
    issueSetupToken(): string {
      const token = secretToken(24);
      settings.setValue(SETUP_TOKEN_KEY, sha256Hex(token));
      return token;
    },
    isSetupToken: setupTokenMatches,

    /** Returns the user's id when the password is right (no name: the owner account). */
    async checkPassword(password: string, username = OWNER_USERNAME): Promise<number | null> {
      const admin = selectAdmin.get(username.trim().toLowerCase() || OWNER_USERNAME);
      // An unknown name takes as long as a wrong password: names cannot be found by timing.
      if (!admin) {
        await Bun.password.verify(password, (unknownUserHash ??= await Bun.password.hash(secretToken(16))));
        return null;
      }
      // A disabled user is refused like a wrong password, after the same work.
      return (await Bun.password.verify(password, admin.password_hash)) && admin.disabled_at === null ? admin.id : null;
    },

    users: (): User[] => selectUsers.all(),
    user: (id: number): User | null => selectUser.get(id),

    /** A new role; the last active owner keeps theirs (someone must be able to manage users). */
    setRole(id: number, role: Role): User {
      return db.transaction(() => {
        const user = existingUser(id);
        if (user.role === "owner" && role !== "owner") keepAnOwner(user);
        updateRole.run(role, clock.now(), id);
        return selectUser.get(id)!;
      }).immediate();
    },
    /** Disabled users cannot sign in, and their sessions end at once. */
    setDisabled(id: number, disabled: boolean): User {
      return db.transaction(() => {
        const user = existingUser(id);
        if (disabled && user.role === "owner") keepAnOwner(user);
        setDisabled.run(disabled ? clock.now() : null, clock.now(), id);
        if (disabled) deleteAdminSessions.run(id);
        return selectUser.get(id)!;
      }).immediate();
    },
    remove(id: number): void {
      db.transaction(() => {
        const user = existingUser(id);
        if (user.role === "owner") keepAnOwner(user);
        deleteAdmin.run(id); // its sessions go with it (ON DELETE CASCADE)
      }).immediate();
    },

    /** A one-time link's token for `role`, valid 72 hours; only its hash is kept. */
    invite(role: Role, createdBy: number): { token: string; invitation: Invitation } {
      const token = secretToken(32);
      const now = clock.now();
      return { token, invitation: insertInvitation.get(sha256Hex(token), role, createdBy, now, now + INVITATION_TTL_MS, null)! };
    },
    /** A one-time link (72 hours, only its hash kept) for an existing user to choose a new password. */
    resetLink(userId: number, createdBy: number): { token: string; invitation: Invitation } {
      const user = existingUser(userId);
      const token = secretToken(32);
      const now = clock.now();
      return { token, invitation: insertInvitation.get(sha256Hex(token), user.role, createdBy, now, now + INVITATION_TTL_MS, user.id)! };
    },
    /**
     * The user of a reset link chooses a new password: set, the link used and every session of the
     * old password ended, in one transaction. Null when the link was used or expired meanwhile.
     */
    async resetPassword(token: string, password: string): Promise<number | null> {
      if (password.length < MIN_PASSWORD_LENGTH) throw errors.validation(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
      const hash = await Bun.password.hash(password);
      return db.transaction(() => {
        const invitation = openInvitation(token);
        if (!invitation?.for_user) return null;
        const now = clock.now();
        setPasswordHash.run(hash, now, invitation.for_user);
        deleteAdminSessions.run(invitation.for_user);
        useInvitation.run(now, invitation.for_user, invitation.id);
        return invitation.for_user;
      }).immediate();
    },
    openInvitations: (): Invitation[] => selectOpenInvitations.all(clock.now()),
    withdrawInvitation(id: number): void {
      if (deleteInvitation.run(id).changes === 0) throw errors.notFound("open invitation", String(id));
    },
    invitation: openInvitation,
    /**
     * The invitee chooses a name and password: the user is made with the invitation's role and
     * the invitation is used, in one transaction (of two tabs racing with one link, one wins).
     * Null when the link was used or expired meanwhile.
     */
    async acceptInvitation(token: string, username: string, password: string): Promise<number | null> {
      const name = username.trim().toLowerCase();
      if (!USERNAME.test(name)) throw errors.validation("A user name is 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
      if (password.length < MIN_PASSWORD_LENGTH) throw errors.validation(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
      const hash = await Bun.password.hash(password);
      return db.transaction(() => {
        const invitation = openInvitation(token);
        if (!invitation || invitation.for_user !== null) return null;
        if (selectAdmin.get(name)) throw errors.validation(`The name ${name} is taken; choose another.`);
        const now = clock.now();
        const { id } = insertUser.get(name, hash, invitation.role, now, now)!;
        useInvitation.run(now, id, invitation.id);
        return id;
      }).immediate();
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
