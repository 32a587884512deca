/**
 * What every part of the command line shares with its caller: the exit codes, the `Io` a command writes to, and
 * the text of an internal error. Consumes nothing; `cli.ts`, the commander program and the `gen` command use it.
 */

export const ExitCode = { Ok: 0, UserError: 1, Internal: 2 } as const;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour diagnostics (written to stderr). */
  readonly color: boolean;
  /** Resolves when the user asks a long-running command (`gen --watch`) to stop; default SIGINT/SIGTERM. */
  interrupted?: Promise<void>;
}

/** A bug's report: the stack is shown, because only a bug of wit-ts ends here, never a user error. */
export function internalErrorText(e: unknown): string {
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return `internal error: wit-ts hit a bug; please report it with the input that caused it.\n${detail}\n`;
}
