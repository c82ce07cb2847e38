/** @jsxImportSource @kitajs/html */
// A user's own account (two-factor sign-in on and off) and the second step of signing in.
import { Elysia } from "elysia";
import { AccountPage, SecondStepPage, type AccountProps } from "../../../views/pages/account";
import type { Accounts } from "./accounts";
import { html, readCookie, redirect, sessionGuard, type Form } from "./http";
import type { LoginLimiter } from "./login-limiter";
import type { TwoFactor } from "./two-factor";

export const CHALLENGE_COOKIE = "sb_challenge";

export function accountRoutes({ accounts, twoFactor, loginLimiter, clientIp, publicUrl, signIn, cookie }: {
  accounts: Accounts;
  twoFactor: TwoFactor;
  loginLimiter: LoginLimiter;
  clientIp: (request: Request) => string | null;
  publicUrl: () => string;
  signIn: (request: Request, adminId: number, isHtmx: boolean, extraCookie?: string) => Response;
  /** A cookie header value for `name` with the admin's flags (HttpOnly, SameSite, Secure). */
  cookie: (name: string, value: string, maxAgeSeconds: number) => string;
}) {
  const secondStep = new Elysia({ name: "admin-second-step" })
    .get("/admin/login/two-factor", ({ headers }) =>
      twoFactor.challenged(readCookie(headers.cookie, CHALLENGE_COOKIE) ?? "") === null ? redirect("/admin/login", false) : html(SecondStepPage({})),
    )
    .post("/admin/login/two-factor", ({ headers, body, request }) => {
      const challenge = readCookie(headers.cookie, CHALLENGE_COOKIE) ?? "";
      const adminId = twoFactor.challenged(challenge);
      if (adminId === null) return redirect("/admin/login", false);
      // Codes are guessed at the same pace as passwords: counted together per address.
      const attempt = loginLimiter.begin(clientIp(request) ?? "unknown");
      if (!attempt.allowed) return html(SecondStepPage({ error: "Too many attempts from your address. Try again later." }), 429, { "retry-after": String(attempt.retryAfterSeconds) });
      const ok = twoFactor.verify(adminId, String((body as Form)?.code ?? ""));
      attempt.finish(ok);
      if (!ok) return html(SecondStepPage({ error: "That code is not right, or was used already." }), 401);
      twoFactor.endChallenge(challenge);
      return signIn(request, adminId, headers["hx-request"] === "true", cookie(CHALLENGE_COOKIE, "", 0));
    });

  const account = new Elysia({ name: "admin-account", prefix: "/admin/account" })
    .use(sessionGuard({ accounts, publicUrl }))
    .resolve(({ session }) => ({
      props: (extra: Partial<AccountProps> = {}): AccountProps => {
        const user = accounts.user(session!.admin_id)!;
        return { csrf: session!.csrf_token, nav: session!.nav, username: user.username, role: user.role, enabled: twoFactor.enabled(user.id), recoveryLeft: twoFactor.recoveryCodesLeft(user.id), required: accounts.needsTwoFactorSetup(user.id), ...extra };
      },
    }))
    .get("/", ({ props }) => html(AccountPage(props())))
    .post("/two-factor/start", ({ props, session }) => html(AccountPage(props({ proposal: twoFactor.proposal(accounts.user(session!.admin_id)!.username) }))))
    .post("/two-factor/on", ({ body, props, session }) => {
      const form = (body ?? {}) as Form;
      const secret = String(form.secret ?? "");
      const codes = twoFactor.enable(session!.admin_id, secret, String(form.code ?? ""));
      if (!codes) {
        // The same key again, so the app the user just set up stays right.
        const proposal = twoFactor.proposal(accounts.user(session!.admin_id)!.username, secret);
        return html(AccountPage(props({ proposal, error: "That code does not match: check the key in your app and your phone's clock, then try again." })), 422);
      }
      return html(AccountPage(props({ recoveryCodes: codes })));
    })
    .post("/two-factor/off", ({ body, props, session }) => {
      if (!twoFactor.disable(session!.admin_id, String((body as Form)?.code ?? ""))) return html(AccountPage(props({ error: "That code is not right, or was used already." })), 422);
      return html(AccountPage(props()));
    });

  return new Elysia({ name: "admin-account-routes" }).use(secondStep).use(account);
}
