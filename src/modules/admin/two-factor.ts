// Two-factor sign-in: TOTP (RFC 6238, SHA-1, 6 digits, 30 s: what common authenticator apps
// use, through the otpauth library), optional per user. A code counts once (its time step must
// be later than the last accepted); ten one-time recovery codes, kept as hashes, stand in for
// a lost phone. Between a right password and the second factor the user holds a challenge of
// five minutes, not a session.
import type { Database } from "bun:sqlite";
import { Secret, TOTP } from "otpauth";
import type { Clock } from "../../lib/clock";
import { secretToken, sha256Hex } from "../../lib/ids";
import { SQL } from "./repo";

const PERIOD_SECONDS = 30;
const CHALLENGE_TTL_MS = 5 * 60_000;
const RECOVERY_CODES = 10;
// A 20-byte secret in Base32, as proposal() makes them.
const BASE32_SECRET = /^[A-Z2-7]{32}$/;

const totpOf = (secret: string, label: string) => new TOTP({ issuer: "Switchboard", label, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: PERIOD_SECONDS });
/** Recovery codes are typed by hand: compared without spaces, dashes or case. */
const normalRecovery = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();

export function createTwoFactor({ db, clock }: { db: Database; clock: Clock }) {
  const selectTotp = db.query<{ totp_secret: string | null; totp_last_step: number }, [number]>(SQL.SELECT_TOTP);
  const setTotp = db.query(SQL.SET_TOTP);
  const useStep = db.query(SQL.USE_TOTP_STEP);
  const insertRecovery = db.query(SQL.INSERT_RECOVERY_CODE);
  const deleteRecovery = db.query(SQL.DELETE_RECOVERY_CODES);
  const useRecovery = db.query(SQL.USE_RECOVERY_CODE);
  const countRecovery = db.query<{ n: number }, [number]>(SQL.COUNT_RECOVERY_CODES);
  const insertChallenge = db.query(SQL.INSERT_CHALLENGE);
  const selectChallenge = db.query<{ admin_id: number }, [string, number]>(SQL.SELECT_CHALLENGE);
  const deleteChallenge = db.query(SQL.DELETE_CHALLENGE);
  const deleteExpired = db.query(SQL.DELETE_EXPIRED_CHALLENGES);

  /** The time step a current code was made in (one step either side allowed for clock drift), or null. */
  function stepOf(secret: string, code: string): number | null {
    const token = code.replace(/\s/g, "");
    if (!/^\d{6}$/.test(token)) return null;
    const delta = totpOf(secret, "check").validate({ token, timestamp: clock.now(), window: 1 });
    return delta === null ? null : Math.floor(clock.now() / 1000 / PERIOD_SECONDS) + delta;
  }

  /** A current code not used before, or an unused recovery code; either is used up. */
  function verify(adminId: number, code: string): boolean {
    const secret = selectTotp.get(adminId)?.totp_secret;
    if (!secret) return false;
    const step = stepOf(secret, code);
    if (step !== null) return useStep.run(step, adminId, step).changes === 1;
    const recovery = normalRecovery(code);
    return recovery.length === 10 && useRecovery.run(clock.now(), adminId, sha256Hex(recovery)).changes === 1;
  }

  return {
    enabled: (adminId: number): boolean => !!selectTotp.get(adminId)?.totp_secret,
    recoveryCodesLeft: (adminId: number): number => countRecovery.get(adminId)!.n,

    /** A secret to show (as text and as an otpauth:// URI for apps), new unless `again` is a well-formed one; nothing is stored yet. */
    proposal(username: string, again?: string): { secret: string; uri: string } {
      const secret = again && BASE32_SECRET.test(again) ? again : new Secret({ size: 20 }).base32;
      return { secret, uri: totpOf(secret, username).toString() };
    },

    /** Turns two-factor on once a code from the app matches `secret`; returns the recovery codes, shown once. */
    enable(adminId: number, secret: string, code: string): string[] | null {
      if (!BASE32_SECRET.test(secret)) return null;
      const step = stepOf(secret, code);
      if (step === null) return null;
      const codes = Array.from({ length: RECOVERY_CODES }, () => secretToken(8).toLowerCase().replace(/[^a-z0-9]/g, "x").slice(0, 10));
      db.transaction(() => {
        setTotp.run(secret, clock.now(), adminId);
        useStep.run(step, adminId, step);
        deleteRecovery.run(adminId);
        for (const recovery of codes) insertRecovery.run(adminId, sha256Hex(normalRecovery(recovery)));
      })();
      return codes.map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
    },

    /** Turns it off (a current code or a recovery code proves the phone, or its stand-in, is at hand). */
    disable(adminId: number, code: string): boolean {
      if (!verify(adminId, code)) return false;
      db.transaction(() => {
        setTotp.run(null, clock.now(), adminId);
        deleteRecovery.run(adminId);
      })();
      return true;
    },

    verify,

    /**
     * Turns it off without a code: for an owner whose teammate lost the phone and the recovery
     * codes, or the command line when the only owner did. The user signs in with the password alone
     * and may turn it on again.
     */
    reset(adminId: number): void {
      db.transaction(() => {
        setTotp.run(null, clock.now(), adminId);
        deleteRecovery.run(adminId);
      })();
    },

    /** After a right password: a challenge for the second factor, held in a cookie for five minutes. */
    challenge(adminId: number): string {
      const id = secretToken(32);
      deleteExpired.run(clock.now());
      insertChallenge.run(sha256Hex(id), adminId, clock.now() + CHALLENGE_TTL_MS);
      return id;
    },
    challenged: (id: string): number | null => (id ? (selectChallenge.get(sha256Hex(id), clock.now())?.admin_id ?? null) : null),
    endChallenge: (id: string): void => void deleteChallenge.run(sha256Hex(id)),
  };
}

export type TwoFactor = ReturnType<typeof createTwoFactor>;
