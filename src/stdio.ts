/**
 * The process's standard output and error as the CLI writes to them: text in, bytes on file descriptors 1 and 2
 * out. A command that ends in a fraction of a second would spend a noticeable part of it opening Node's stream
 * objects (a pipe or a terminal loads the stream and socket modules), so on POSIX text is written to the file
 * descriptor directly, in the order it comes, and a stream is opened only when the descriptor cannot take the
 * text now (a non-blocking pipe that is full); from then on that stream takes every write, so the order holds.
 * A reader that went away (`wit-ts resolve x.wit | head -1`) is not an error of the command: the rest of its
 * output is dropped, as Unix tools do, and the exit code stays the command's own. Any other write error is
 * rethrown, where the CLI reports it as internal.
 */
import { writeSync } from "node:fs";

/** Writers for the two streams, and whether diagnostics on stderr are coloured. */
export interface ProcessIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Decided on first use: asking whether stderr is a terminal opens its stream. */
  readonly color: boolean;
}

/** Streams opened for a write that the file descriptor could not take at once. */
const opened: NodeJS.WriteStream[] = [];

/**
 * Whether text written through {@link processIo} is still queued in a stream: the process then has to let the
 * event loop drain it before it exits.
 */
export function outputPending(): boolean {
  return opened.some((stream) => stream.writableLength > 0);
}

/** The process's stdout and stderr; `color` follows {@link useColor} for stderr. */
export function processIo(): ProcessIo {
  let color: boolean | undefined;
  return {
    stdout: writerOf(1, () => process.stdout),
    stderr: writerOf(2, () => process.stderr),
    get color() {
      return (color ??= useColor(process.stderr, process.env));
    },
  };
}

/**
 * The no-color.org rule plus a TTY check: colour only when the stream is a
 * terminal and `NO_COLOR` is unset or empty.
 */
export function useColor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env["NO_COLOR"];
  return Boolean(stream.isTTY) && (noColor === undefined || noColor === "");
}

function writerOf(fd: 1 | 2, open: () => NodeJS.WriteStream): (text: string) => void {
  let stream: NodeJS.WriteStream | undefined;
  let readerGone = false;
  // Windows consoles take text through the stream, which converts it for them.
  let direct = process.platform !== "win32";
  const toStream = (text: string | Uint8Array) => {
    if (stream === undefined) {
      stream = open();
      opened.push(stream);
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e;
        readerGone = true;
      });
    }
    stream.write(text);
  };
  return (text) => {
    if (readerGone) return;
    if (!direct) return toStream(text);
    const bytes = Buffer.from(text, "utf8");
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") {
        readerGone = true;
        return;
      }
      if (code !== "EAGAIN") throw e;
      direct = false;
      toStream(bytes.subarray(written));
    }
  };
}
