/**
 * The texts of a generation's files, kept as Latin-1 bytes in chunks of {@link CHUNK} bytes. Consumes each
 * finished file (its head as a string, its body as a text buffer); produces one string per file once the
 * generation asks for them. A chunk becomes one string when it is full, and each of its files a slice of that
 * string (V8 keeps a slice of 13 characters or more as a reference into its parent, not a copy). Why: a file's
 * own string, made when the file is done, lives to the end of the generation, so the scavenger copies it twice
 * and promotes it (5 MB of the 1.55 MB input's SDK, a quarter of what a generation promotes), and the old
 * generation fills sooner; a chunk's string is large enough to be allocated in the large-object space, which
 * the scavenger never copies. A file that is not Latin-1 or is larger than a chunk gets its own string, as
 * before. Holding one file's string keeps its chunk's string alive: the files of one generation are used
 * together.
 */
import type { TextBuffer } from "./text-buffer.js";

/** Bytes per chunk: above V8's largest regular object (128 KiB), so a chunk's string is a large object. */
const CHUNK = 1 << 18;

/** Where a file's text is: its own string, or a range of a chunk. */
type Placed = string | { readonly chunk: number; readonly start: number; readonly end: number };

export class FileTexts {
  private readonly placed: Placed[] = [];
  /** The strings of the chunks filled so far. */
  private readonly chunks: string[] = [];
  private bytes: Buffer | undefined;
  private used = 0;

  /** Keeps `head` followed by `body`'s text as the next file's text; returns its index for {@link texts}. */
  add(head: string, body: TextBuffer): number {
    const size = head.length + body.length;
    if (!body.isLatin1() || !isLatin1(head) || size > CHUNK) {
      this.placed.push(body.take(head));
      return this.placed.length - 1;
    }
    if (this.bytes === undefined) this.bytes = Buffer.allocUnsafe(CHUNK);
    if (this.used + size > CHUNK) this.seal();
    const bytes = this.bytes;
    const start = this.used;
    bytes.write(head, start, "latin1");
    body.copyLatin1(bytes, start + head.length);
    this.used = start + size;
    this.placed.push({ chunk: this.chunks.length, start, end: this.used });
    return this.placed.length - 1;
  }

  /** Every file's text, by the index {@link add} returned. */
  texts(): string[] {
    if (this.used > 0) this.seal();
    this.bytes = undefined;
    const chunks = this.chunks;
    return this.placed.map((p) =>
      typeof p === "string" ? p : chunks[p.chunk]!.slice(p.start, p.end),
    );
  }

  /** Makes the current chunk's string and starts the next chunk in the same bytes. */
  private seal(): void {
    this.chunks.push(this.bytes!.toString("latin1", 0, this.used));
    this.used = 0;
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
