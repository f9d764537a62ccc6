/**
 * The Express app of the game API, built from its dependencies. Each game request becomes
 * exactly one event (none when it repeats a recorded idempotency key); the answer is sent only
 * once the log has acknowledged that event.
 */
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { KeyUnsettledError, RequestRefusedError } from "../errors";
import { buildEvent, parseEvent, toWire, type GameEvent } from "../events";
import type { Logger } from "../logger";
import type { OutgoingMessage } from "../transport";
import type { Catalog, ItemKind } from "./catalog";
import type { Clock } from "./clock";
import { errorHandler, unknownRoute } from "./error-handler";
import { answerOf, decide, eventTypeOf, isGuildAction, nameOf, type Action, type Decision } from "./game";
import type { Guard } from "./guard";
import { eventFingerprint, parseIdempotencyKey, requestFingerprint } from "./idempotency";
import { refuseOversized } from "./limits";
import { sendJson } from "./send-json";
import { playerIdentity, validateName } from "./names";
import { changeOf, guildLock, keyLock, playerLock, type StateStore, type StateTx } from "./state";

/** Told once whether a published event reached the log. */
export interface FateListener {
  settle(stored: boolean): void;
}

/** Where the app sends events: resolves once the event is in the log (the BatchingPublisher). */
export interface EventPublisher {
  /** `fate` hears whether the event landed, also after a timeout answered the request with 503. */
  publish(message: OutgoingMessage, fate?: FateListener): Promise<void>;
}

export interface AppDeps {
  catalog: Catalog;
  publisher: EventPublisher;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  newId: () => string;
  maxNameLength: number;
  /** How long (ms) a request waits for its key's, player's and guild's locks before a 503 `busy`. */
  lockWaitMs: number;
  /** How long (ms) a retried key gets its original answer. */
  idempotencyWindowMs: number;
  /** API keys and rate limits (both off unless configured). */
  guard: Guard;
  /** Called when a request's event is in the log, just before its state is written (crash tests). */
  beforeRecord?: () => void;
  /** Has a key's claim, left unsettled by a request that ended without recording, checked against the log (the catch-up's settle). */
  settleClaim: (claim: string) => void;
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

/** A validated game request. */
interface GameRequest {
  player: string;
  action: Action;
  headers: Request["headers"];
  key: string | undefined;
}

/**
 * One game request: decide, log, answer. A purchase or GET / without a key reads no state and
 * takes no lock. Not async and no throw for game refusals (404/409, 40% of the reference mix): a
 * rejected promise walks Express' error path, which showed in the profile.
 */
function handle(deps: AppDeps, req: Request, res: Response, next: NextFunction, action: Action): void {
  const headers = req.headers;
  const player = playerIdentity(headers["x-player-id"] as string | undefined, headers.host);
  if (!deps.guard.admitPlayer(player, res)) return;
  const request: GameRequest = { player, action, headers, key: parseIdempotencyKey(headers["idempotency-key"]) };
  if (request.key === undefined && !isGuildAction(action)) {
    const event = eventOf(deps, request, decide(action, deps.catalog));
    deps.publisher.publish(messageOf(event)).then(() => reply(res, event), next);
    return;
  }
  handleWithState(deps, request, res, next);
}

/**
 * A guild action or a keyed request, in one state transaction holding the key's, the player's and
 * the guild's locks: a recorded key is answered from its event; otherwise claim the key, decide,
 * log, and, once the log has the event, record the change and the key. A 503 (timeout) is answered
 * at once, but the locks are held until the event's fate is known, so a retry never races its own
 * first attempt; a retry that finds a claim whose request ended unrecorded (it died between its
 * log write and its store write) gets a 503 until the log has been checked for that event, so the
 * API never logs a second event for a key within its window.
 */
function handleWithState(deps: AppDeps, request: GameRequest, res: Response, next: NextFunction): void {
  const { action, key, player } = request;
  let failed = false;
  const fail = (error: unknown) => {
    failed = true;
    next(error);
  };
  /** Set once the log has the request's event: from then on the answer is the event's, whatever the store does. */
  let logged: GameEvent | null = null;
  // A guild action also takes the guild's lock: the member count its event logs is decided there,
  // so the events of one guild carry counts in the order they are logged, never the same one twice.
  const locks = [...(key === undefined ? [] : [keyLock(key)]), ...(isGuildAction(action) ? [playerLock(player), guildLock(action.guild)] : [])];
  deps.store
    .transact(locks, async (tx): Promise<Outcome> => {
      if (key !== undefined) {
        const now = deps.clock.now();
        const found = await tx.claim(key, now - deps.idempotencyWindowMs, now);
        if (found.state === "done") return retried(request, found.event);
        if (found.state === "unsettled") return { unsettled: found.claim };
      }
      const event = eventOf(deps, request, await decideWith(tx, deps, request));
      const wire = toWire(event);
      let settle!: (stored: boolean) => void;
      const landed = new Promise<boolean>((resolve) => (settle = resolve));
      deps.publisher.publish({ key: player, value: wire, timestamp: event.timestamp }, { settle }).catch(fail);
      if (!(await landed)) {
        // The publish's rejection answers the request; the key is free for its retry.
        if (key !== undefined) tx.unclaim(key);
        return { notLogged: true };
      }
      logged = event;
      deps.beforeRecord?.();
      tx.record({ change: changeOf(event) ?? undefined, key: key === undefined ? undefined : { key, event: wire, at: event.timestamp } });
      return { event };
    }, deps.lockWaitMs)
    .then(
      (outcome) => {
        if (failed || outcome.notLogged) return;
        if (outcome.refusal) return fail(outcome.refusal);
        if (outcome.unsettled !== undefined) {
          deps.settleClaim(outcome.unsettled);
          return fail(new KeyUnsettledError(`the first request with Idempotency-Key ${key} ended before its outcome was recorded; the log is being checked for its event`));
        }
        if (outcome.replayed) res.setHeader("Idempotent-Replayed", "true");
        reply(res, outcome.event!);
      },
      (error) => {
        if (failed) return;
        if (logged === null) return fail(error);
        // The event is in the log, so the action happened: answer it. The store lacks the change
        // until the next replay of the log (catch-up or start; README, "Honest limits").
        deps.logger.error("the state store could not record a logged change; the next replay of the log applies it", { event_id: logged.event_id, error: String(error) });
        reply(res, logged);
      },
    );
}

/** What a stateful request answers once its transaction is over. */
interface Outcome {
  event?: GameEvent;
  /** The event is a retried key's original: nothing was logged. */
  replayed?: boolean;
  refusal?: Error;
  /** The event did not reach the log: the publish's rejection answered the request. */
  notLogged?: boolean;
  /** The claim an earlier request with the key left unsettled: answered 503 until the log was checked. */
  unsettled?: string;
}

async function decideWith(tx: StateTx, deps: AppDeps, request: GameRequest): Promise<Decision> {
  const { action, player } = request;
  if (!isGuildAction(action)) return decide(action, deps.catalog);
  const member = await tx.isMember(player, action.guild);
  return decide(action, deps.catalog, { member, counts: await tx.counts(action.guild) });
}

/** A retried key: the original answer when it is the same request, 422 otherwise. */
function retried(request: GameRequest, original: string): Outcome {
  const parsed = parseEvent(original);
  if (!parsed.ok) throw new Error(`the state store holds an invalid event for key ${request.key}: ${parsed.reason}`);
  const event = parsed.event;
  const { action, player } = request;
  if (eventFingerprint(event) === requestFingerprint(player, eventTypeOf(action), nameOf(action))) return { event, replayed: true };
  const refusal = new RequestRefusedError(`Idempotency-Key ${request.key} was used by another request (${event.event_type} of ${event.player_id})`, "idempotency_key_reused", 422);
  return { refusal };
}

function eventOf(deps: AppDeps, request: GameRequest, decision: Decision): GameEvent {
  const { headers } = request;
  return buildEvent({
    event_id: deps.newId(),
    event_type: decision.eventType,
    timestamp: deps.clock.now(),
    player_id: request.player,
    headers: { host: headers.host, userAgent: headers["user-agent"], accept: headers.accept },
    outcome: decision.status === 200 ? "ok" : "rejected",
    status: decision.status,
    reason: decision.reason,
    idempotencyKey: request.key,
    payload: decision.payload,
  });
}

function messageOf(event: GameEvent): OutgoingMessage {
  return { key: event.player_id, value: toWire(event), timestamp: event.timestamp };
}

/** Answers from the logged event. A refusal is answered without building a GameRuleError: capturing its stack trace cost ~10 µs per refused request in the bench/api profile. */
function reply(res: Response, event: GameEvent): void {
  const answer = answerOf(event);
  sendJson(res, answer.status, answer.body);
}
