/**
 * The Express app of the game API, built from its dependencies. Each game request becomes
 * exactly one event; the answer is sent only once the log has acknowledged that event.
 */
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { buildEvent, toWire } from "../events";
import type { Logger } from "../logger";
import type { OutgoingMessage } from "../transport";
import type { Catalog, ItemKind } from "./catalog";
import type { Clock } from "./clock";
import { errorHandler, sendAnswer, unknownRoute } from "./error-handler";
import { decide, type Action } from "./game";
import type { Guard } from "./guard";
import type { GuildBook, Reservation } from "./guild-book";
import { refuseOversized } from "./limits";
import { sendJson } from "./send-json";
import { playerIdentity, validateName } from "./names";

/** Where the app sends events: resolves once the event is in the log (the BatchingPublisher). */
export interface EventPublisher {
  publish(message: OutgoingMessage, reservation?: Reservation): Promise<void>;
}

export interface AppDeps {
  catalog: Catalog;
  publisher: EventPublisher;
  membership: GuildBook;
  logger: Logger;
  clock: Clock;
  newId: () => string;
  maxNameLength: number;
  /** API keys and rate limits (both off unless configured). */
  guard: Guard;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("query parser", false);
  app.use(refuseOversized());
  app.get("/healthz", (_req, res) => {
    sendJson(res, 200, { ok: true });
  });
  // Health checks stay open; every other route (unknown ones too) needs a key when keys are set.
  const checkKey = deps.guard.middleware();
  if (checkKey !== null) app.use(checkKey);

  const play = (toAction: (name: string | undefined) => Action) => (req: Request, res: Response, next: NextFunction) =>
    handle(deps, req, res, next, toAction(req.params.name as string | undefined));
  const purchase = (item: ItemKind) => play((name) => ({ kind: "purchase", item, name: validateName(name, deps.maxNameLength, `${item} name`) }));
  const guild = (kind: "join" | "leave") => play((name) => ({ kind, guild: validateName(name, deps.maxNameLength, "guild name") }));

  app.get("/", play(() => ({ kind: "default" })));
  // `{/:name}` also matches a missing name, so that it gets a 400 ("empty") rather than a 404.
  app.get("/purchase_a_sword{/:name}", purchase("sword"));
  app.get("/purchase_a_shield{/:name}", purchase("shield"));
  app.get("/join_guild{/:name}", guild("join"));
  app.get("/leave_guild{/:name}", guild("leave"));

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * One game request: decide, log, answer. Not async and no throw for game refusals (404/409, 40%
 * of the reference mix): a rejected promise walks Express' error path, which showed in the profile.
 */
function handle(deps: AppDeps, req: Request, res: Response, next: NextFunction, action: Action): void {
  const headers = req.headers;
  const player = playerIdentity(headers["x-player-id"] as string | undefined, headers.host);
  if (!deps.guard.admitPlayer(player, res)) return;
  const decision = decide(action, player, deps.catalog, deps.membership);
  const event = buildEvent({
    event_id: deps.newId(),
    event_type: decision.eventType,
    timestamp: deps.clock.now(),
    player_id: player,
    headers: { host: headers.host, userAgent: headers["user-agent"], accept: headers.accept },
    outcome: decision.status === 200 ? "ok" : "rejected",
    status: decision.status,
    reason: decision.reason,
    payload: decision.payload,
  });
  res.locals.eventId = event.event_id;
  deps.publisher.publish({ key: player, value: toWire(event), timestamp: event.timestamp }, decision.reservation).then(() => {
    // A refusal is answered without building a GameRuleError: capturing its stack trace cost ~10 µs
    // per refused request (40% of the reference mix) in the bench/api profile. Same body as sendError's.
    if (decision.status !== 200) sendAnswer(res, { status: decision.status, code: decision.reason!, message: decision.message });
    else sendJson(res, 200, { ok: true, event_id: event.event_id, message: decision.message });
  }, next);
}
