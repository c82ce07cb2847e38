// What an API token may reach. A token scoped to a bot reaches that bot's resources only:
// another bot's read as not found (their existence is not confirmed), and installation-wide
// resources (settings, the integration, creating and deleting bots, the whole deliveries
// queue) are refused with 403 token_scope.
import { errors, type AppError } from "../../http/errors";
import type { ApiToken } from "./service";

export interface TokenScope {
  /** The bot this token is limited to, or null for an installation-wide token. */
  readonly botId: number | null;
  /** Refuses a token scoped to a bot. */
  installation(): void;
  /** Passes when the resource belongs to a bot this token reaches; throws `notFound()` otherwise. */
  owns(resourceBotId: number | null, notFound: () => AppError): void;
}

export function scopeOf(token: Pick<ApiToken, "bot_id">): TokenScope {
  const botId = token.bot_id;
  return {
    botId,
    installation() {
      if (botId !== null) throw errors.tokenScope();
    },
    owns(resourceBotId, notFound) {
      if (botId !== null && resourceBotId !== botId) throw notFound();
    },
  };
}
