/** @jsxImportSource @kitajs/html */
// The team: owners list users, change roles, disable and delete them, and invite people with a
// one-time link (72 h) for a role; the invitee chooses a name and a password on a public page.
import { Elysia } from "elysia";
import { AppError, errors } from "../../http/errors";
import { InvitePage, UsersPage, UsersSection, type UsersProps } from "../../../views/pages/users";
import { MessagePage } from "../../../views/pages/auth";
import { MIN_PASSWORD_LENGTH, type Accounts } from "./accounts";
import { html, redirect, sessionGuard, type Form } from "./http";
import { isRole, ROLES } from "./roles";
import type { TwoFactor } from "./two-factor";

export function userRoutes({ accounts, twoFactor, publicUrl, signIn }: { accounts: Accounts; twoFactor: TwoFactor; publicUrl: () => string; signIn: (request: Request, adminId: number, isHtmx: boolean) => Response }) {
  const expired = () => html(MessagePage({ title: "Invitation not valid", message: "This invitation link was already used, withdrawn or has expired. Ask an owner for a new one." }), 403);
  /** A password-reset link names its user: the page shows whose password is chosen. */
  const resetFor = (forUser: number | null) => (forUser === null ? undefined : (accounts.user(forUser)?.username ?? undefined));

  const invitePages = new Elysia({ name: "admin-invitations" })
    .get("/admin/invite", ({ query }) => {
      const token = String(query.token ?? "");
      const invitation = accounts.invitation(token);
      return invitation ? html(InvitePage({ token, role: invitation.role, resetFor: resetFor(invitation.for_user), minLength: MIN_PASSWORD_LENGTH })) : expired();
    })
    .post("/admin/invite", async ({ body, headers, request }) => {
      const form = (body ?? {}) as Form;
      const token = String(form.token ?? "");
      const invitation = accounts.invitation(token);
      if (!invitation) return expired();
      const username = String(form.username ?? "");
      const retry = (error: string) => html(InvitePage({ token, role: invitation.role, resetFor: resetFor(invitation.for_user), error, username, minLength: MIN_PASSWORD_LENGTH }), 422);
      const password = String(form.password ?? "");
      if (password !== String(form.confirm ?? "")) return retry("The two passwords differ.");
      try {
        // A reset link sets the password of the user it names; an invitation makes a new user.
        const adminId = invitation.for_user !== null ? await accounts.resetPassword(token, password) : await accounts.acceptInvitation(token, username, password);
        if (adminId === null) return expired();
        // A reset link proves no second factor: a user who has one signs in with it, as always.
        if (twoFactor.enabled(adminId)) return redirect("/admin/login", headers["hx-request"] === "true");
        return signIn(request, adminId, headers["hx-request"] === "true");
      } catch (error) {
        if (error instanceof AppError) return retry(error.message);
        throw error;
      }
    });

  const usersPages = new Elysia({ name: "admin-users", prefix: "/admin/users" })
    .use(sessionGuard({ accounts, publicUrl }))
    .resolve(({ session }) => ({
      /** The page's props now, with what the action showed (a new link, an error). */
      props: (extra: Partial<UsersProps> = {}): UsersProps => ({
        csrf: session!.csrf_token, nav: session!.nav,
        roles: ROLES,
        users: accounts.users(),
        withTwoFactor: accounts.users().filter((user) => twoFactor.enabled(user.id)).map((user) => user.id),
        invitations: accounts.openInvitations(),
        me: session!.admin_id,
        ...extra,
      }),
    }))
    .get("/", ({ props }) => html(UsersPage(props())))
    .post("/invitations", ({ body, props, session, isHtmx }) => {
      const role = (body as Form)?.role;
      if (!isRole(role)) return html(UsersSection(props({ error: `Choose a role: ${ROLES.join(", ")}.` })), 422);
      const { token, invitation } = accounts.invite(role, session!.admin_id);
      const link = { url: `${publicUrl()}/admin/invite?token=${token}`, role, expiresAt: invitation.expires_at };
      return isHtmx ? html(UsersSection(props({ link }))) : html(UsersPage(props({ link })));
    })
    .post("/invitations/:id/delete", ({ params, props, isHtmx }) => act(() => accounts.withdrawInvitation(Number(params.id)), props, isHtmx))
    .post("/:id/role", ({ params, body, props, isHtmx }) => {
      const role = (body as Form)?.role;
      if (!isRole(role)) return html(UsersSection(props({ error: `Choose a role: ${ROLES.join(", ")}.` })), 422);
      return act(() => accounts.setRole(Number(params.id), role), props, isHtmx);
    })
    .post("/:id/disable", ({ params, props, isHtmx }) => act(() => accounts.setDisabled(Number(params.id), true), props, isHtmx))
    .post("/:id/enable", ({ params, props, isHtmx }) => act(() => accounts.setDisabled(Number(params.id), false), props, isHtmx))
    .post("/:id/delete", ({ params, props, isHtmx }) => act(() => accounts.remove(Number(params.id)), props, isHtmx))
    // A forgotten password: a one-time link for that user to choose a new one.
    .post("/:id/reset-link", ({ params, props, session, isHtmx }) => {
      try {
        const { token, invitation } = accounts.resetLink(Number(params.id), session!.admin_id);
        const link = { url: `${publicUrl()}/admin/invite?token=${token}`, role: invitation.role, expiresAt: invitation.expires_at, forUser: accounts.user(invitation.for_user!)!.username };
        return isHtmx ? html(UsersSection(props({ link }))) : html(UsersPage(props({ link })));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return html(UsersSection(props({ error: error.message })), error.status);
      }
    })
    // A teammate who lost the phone and the recovery codes: an owner turns their two factors off.
    .post("/:id/two-factor/off", ({ params, props, isHtmx }) => act(() => {
      if (!accounts.user(Number(params.id))) throw errors.notFound("user", params.id);
      twoFactor.reset(Number(params.id));
    }, props, isHtmx));

  /** Runs a change and answers with the list as it is now, or the reason it was refused. */
  function act(change: () => unknown, props: (extra?: Partial<UsersProps>) => UsersProps, isHtmx: boolean): Response {
    try {
      change();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return html(UsersSection(props({ error: error.message })), error.status);
    }
    return isHtmx ? html(UsersSection(props())) : redirect("/admin/users", false);
  }

  return new Elysia({ name: "admin-team" }).use(invitePages).use(usersPages);
}
