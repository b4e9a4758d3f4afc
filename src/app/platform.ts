import type { z } from 'zod';
import type { Directory } from '../domain/types.ts';
import type { DisputeService } from './dispute-service.ts';
import type { ChatPort, Logger } from './ports.ts';

// The environment and the HTTP handler types belong to the layers above
// (config, http); the composition root fixes them (src/platforms.ts).

/** A chat platform as the running bot holds it; `H` is an HTTP handler. */
export interface PlatformInstance<H = unknown> {
  /** Delivers the outbox's effects to this platform; null when it only receives (not configured to send). */
  port: ChatPort | null;
  /** HTTP paths it answers on the bot's one server (none for a socket connection). */
  routes: Record<string, H>;
  /** Hands it the use cases; it builds its inbound layer on them. `onChange` asks the outbox to deliver now. */
  attach(service: DisputeService, onChange: () => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The platform's own object (its banner line and its tests read it); opaque to the bot. */
  adapter?: unknown;
}

/**
 * Everything the bot knows about one chat platform. A new platform is a
 * folder that exports one of these and one line in the registry: people
 * carry its user id under `name` in their `handles`, and the inbound layer
 * (src/app/interactions) does the rest.
 */
export interface PlatformModule<E = unknown, H = unknown> {
  /** The key of people's `handles` and of conversations in the register. */
  name: string;
  /** The environment variables it reads, checked at start-up. */
  envSchema: z.ZodType;
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
  /** The variables that connect it, for advice to someone whose home it does not serve yet. */
  connectHint?: string;
  /** The running platform, or null when its variables are not set. */
  create(env: E, logger: Logger, directory: () => Directory): PlatformInstance<H> | null;
}
