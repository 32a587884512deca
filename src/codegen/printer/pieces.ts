/**
 * The text of the file being printed, as the pieces the line printer writes (a few characters each: an SDK of
 * 7 MB is about 2 million of them). Consumes pieces, produces the file's string. Pieces are joined into a chunk
 * whenever a physical line ends with more than {@link CHUNK_PIECES} of them waiting, and the chunks once when the
 * file is done: on Node 20, `Array.prototype.join` costs about 0.2 µs a piece for lists of up to a few thousand
 * short strings and about 1 µs a piece from 16k on, and one `index.ts` is about 150k pieces. Buffers are reused
 * from file to file (see {@link acquirePieces}): an array of its own per file would be grown piece by piece,
 * copying its storage at each step.
 */

/** Pieces waiting before the next line end joins them into a chunk. */
const CHUNK_PIECES = 2048;

export class Pieces {
  /** Entries from {@link length} on are leftovers and are never read. */
  private readonly items: string[] = [];
  /** The text of the pieces joined so far, in order. */
  private chunks: string[] = [];
  /** The number of pieces waiting (not yet joined into a chunk). */
  length = 0;

  push(text: string): void {
    if (this.length < this.items.length) {
      this.items[this.length] = text;
    } else {
      this.items.push(text);
    }
    this.length++;
  }

  /** The waiting piece at `index` (below {@link length}). */
  at(index: number): string {
    return this.items[index]!;
  }

  set(index: number, text: string): void {
    this.items[index] = text;
  }

  /** Takes back the waiting pieces from `length` on. */
  truncate(length: number): void {
    this.length = length;
  }

  /**
   * Whether enough pieces wait for {@link flush} to be worth it; call at the end of a physical line, the only
   * place where nothing before it is looked at again.
   */
  full(): boolean {
    return this.length >= CHUNK_PIECES;
  }

  /** Joins the waiting pieces into a chunk; the indices of {@link at} start again at 0. */
  flush(): void {
    if (this.length === 0) return;
    const items = this.items;
    const length = this.length;
    // `join` must see the waiting pieces only. Cutting a few leftovers keeps the array's storage; cutting most of
    // them would make V8 shrink it, and the next file's pushes would grow it again, so those are copied instead.
    if (items.length === length) {
      this.chunks.push(items.join(""));
    } else if (items.length - length < length) {
      items.length = length;
      this.chunks.push(items.join(""));
    } else {
      this.chunks.push(items.slice(0, length).join(""));
    }
    this.length = 0;
  }

  /** `head` followed by the file's text; the buffer is then empty, ready for the next file. */
  take(head: string): string {
    this.flush();
    const chunks = this.chunks;
    this.chunks = [];
    if (chunks.length === 0) return head;
    chunks.unshift(head);
    return chunks.join("");
  }

  /** Forgets everything written. */
  clear(): void {
    this.length = 0;
    this.chunks = [];
  }
}

const free: Pieces[] = [];

/** An empty buffer: one a finished file gave back when there is one. */
export function acquirePieces(): Pieces {
  return free.pop() ?? new Pieces();
}

/** Gives back a buffer whose file is done, for the next file. */
export function releasePieces(pieces: Pieces): void {
  pieces.clear();
  if (free.length < 4) free.push(pieces);
}
