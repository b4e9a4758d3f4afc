import type { z } from 'zod';
import type { Directory } from '../domain/types.ts';
import type { DisputeService } from './dispute-service.ts';
import type { ChatPort, Logger } from './ports.ts';
import type { Foreground } from './foreground.ts';
import type { SharedSpaceEvents } from './shared-spaces.ts';

// The environment and the HTTP request and response types belong to the
// layers above (config, http); the composition root fixes them
// (src/platforms.ts, which also composes every module's schema into one).

/** A refusal the HTTP layer worked out for a request: status and the sentence to show. */
export interface Refusal { status: number; message: string }

/**
 * What the bot's one HTTP server hands a platform with each request. Only
 * generic things: the size limit, answers, and the "this computer only"
 * checks for an endpoint without sign-in of its own (a platform's emulator).
 */
export interface InboundContext<Req = unknown, Res = unknown> {
  logger: Logger;
  /** The body with the server's size limit; null when it is larger (the rest is drained, not stored). */
  readBody(req: Req): Promise<Buffer | null>;
  /** A JSON answer, never cached. */
  reply(res: Res, status: number, body: unknown): void;
  /**
   * For an endpoint that cannot verify its callers: null when this request comes from this computer with the
   * start-up token (`?token=`), else the refusal. `what` names the endpoint, `fix` says how to connect it properly.
   */
  unsignedRefusal(req: Req, what: string, fix: string): Refusal | null;
}

/** What the start banner knows that a module does not. */
export interface BannerContext {
  /** The port the bot listens on. */
  port: number;
  /** This start's token for surfaces without sign-in; links in the banner carry it. */
  localToken: string | undefined;
  /** Why surfaces without sign-in are switched off with these settings, or null. */
  unsignedBlocked: string | null;
  directory: Directory;
}

/** What one running bot hands each platform it creates (one of each per start; nothing module-level). */
export interface PlatformRuntime {
  /** Counts the requests people wait on; a platform that receives outside the HTTP server (a socket) counts its own. */
  foreground: Foreground;
}

/** Ready to serve, or why not (a token refused, a socket not yet up). */
export interface PlatformStatus { ready: boolean; reason: string | null }

/** A platform's installation in one of its workspaces (Slack's install flow), as the register keeps it. */
export interface PlatformInstallationRecord {
  platform: string;
  /** The workspace (a Slack team id). */
  space: string;
  name: string | null;
  /** The bot token: in clear here, encrypted in the register. */
  secret: string;
  /** What the platform said about it (bot user, app, scopes); nothing secret. */
  detail: Record<string, string | null>;
  installedBy: string | null;
  installedAt: Date;
}

/** Installations kept in the register, and the one-time states of installs under way. */
export interface InstallationStore {
  list(platform: string): Promise<PlatformInstallationRecord[]>;
  /** Adds or replaces (a workspace installing again gets a new token). */
  save(record: PlatformInstallationRecord, now: Date): Promise<void>;
  /** True when there was one to remove. */
  remove(platform: string, space: string): Promise<boolean>;
  /** Keeps an install's state (its hash only) until `expiresAt`; false when too many are under way (refuse for now). */
  putState(platform: string, hash: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** True once, for a state kept for this platform and not expired: the one redirect that may use it (every replica). */
  takeState(platform: string, hash: string, now: Date): Promise<boolean>;
}

/** What the running bot lends a platform once the register is open (attach). */
export interface PlatformRegister {
  installations: InstallationStore;
  /**
   * Adds a connection after start (a workspace installed through the install link) under its home key: the outbox
   * delivers there and routing sends its people there from now on.
   */
  addPort(key: string, port: ChatPort): void;
  /** Where a platform reports what became of invitations into a shared space (Slack Connect). */
  sharedSpaces?: SharedSpaceEvents;
}

/** A chat platform as the running bot holds it. */
export interface PlatformInstance<Req = unknown, Res = unknown> {
  /** Delivers the outbox's effects to this platform; null when it only receives (not configured to send). */
  port: ChatPort | null;
  /**
   * Further connections of the platform, one per workspace or tenant it serves as a home of its own, keyed by
   * the home key routing gives their spaces (`slack:T0ABC`, `teams:<tenant>`; see `homeKey` below): a dispute
   * gets a space in each one with participants. `port` stays the default (the first connection's).
   */
  ports?: Readonly<Record<string, ChatPort>>;
  /** Paths on the bot's one HTTP server whose requests go to `handle` (none for a socket connection). */
  paths: readonly string[];
  /** Answers one request to one of `paths`: verifying, reading and acknowledging it are the platform's business. */
  handle(req: Req, res: Res, ctx: InboundContext<Req, Res>): Promise<void>;
  /**
   * Hands it the use cases; it builds its inbound layer on them. `onChange` asks the outbox to deliver now; `register`
   * is what it may keep in the register (its installations) and how it adds a connection later.
   */
  attach(service: DisputeService, onChange: () => void, register?: PlatformRegister): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Not ready while the platform refuses the bot; the bot is not ready while any platform is not. */
  status(): PlatformStatus;
  /**
   * Set when its endpoint cannot verify its callers (an emulator trial): what that endpoint is, so the bot can say
   * at start-up that it is switched off where other computers could reach it.
   */
  unverifiedEndpoint?: string;
  /** The platform's own object (its tests read it); opaque to the bot. */
  adapter?: unknown;
}

/**
 * Everything the bot knows about one platform. A new platform is a folder
 * that exports one of these and one line in the registry (src/platforms.ts):
 * its variables join the environment's schema, people carry its user id under
 * `name` in their `handles`, its lines join the banner, and the inbound layer
 * (src/app/interactions) does the rest.
 */
export interface PlatformModule<E = unknown, Req = unknown, Res = unknown> {
  /** The key of people's `handles`, of homes (`name:space`) and of conversations in the register. */
  name: string;
  /** The environment variables it reads; composed into the bot's schema, so a bad value stops the start naming it. */
  envSchema: z.ZodObject<z.ZodRawShape>;
  /** Settings that only make sense together: one line each, `NAME: what is wrong and what to do`. */
  crossCheck?(env: E): string[];
  /** How people are told which id to give their administrator. */
  handleLabel: string;
  /**
   * Whether the environment configures it (so create() would run it). Any
   * process that queues work, the CLI included, routes by this, so people
   * are sent where a running bot will deliver.
   */
  configured?(env: E): boolean;
  /** Whether this configuration delivers to a home of this platform (a Slack workspace, a Teams tenant); none named: any. */
  serves?(env: E, space: string | null): boolean;
  /**
   * The key a served home's spaces and messages go under: the platform's name, or with several connections the
   * key of the one serving that workspace or tenant (one of the instance's `ports`). None: the name.
   */
  homeKey?(env: E, space: string | null): string;
  /** The variables that connect it, for advice to someone whose home it does not serve yet. */
  connectHint?: string;
  /** The running platform, or null when its variables are not set. */
  create(env: E, logger: Logger, directory: () => Directory, runtime: PlatformRuntime): PlatformInstance<Req, Res> | null;
  /** Its lines in the start banner (`Label:  what`), running or not: how it is connected, or how to connect it. */
  banner(env: E, running: PlatformInstance<Req, Res> | null, ctx: BannerContext): string[];
  /** Who can read a dispute's case space on this platform, in plain words, for "who sees what" (src/visibility.ts). */
  visibility?(env: E): string;
}
