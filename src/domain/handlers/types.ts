import type { Command } from '../commands.ts';
import type { Draft } from '../stage-ops.ts';

export type CommandType = Command['type'];
export type Cmd<K extends CommandType> = Extract<Command, { type: K }>;
export type Handler<K extends CommandType> = (draft: Draft, cmd: Cmd<K>) => void;
/** One handler per command type; the compiler refuses a command without one. */
export type HandlerMap = { [K in CommandType]: Handler<K> };
