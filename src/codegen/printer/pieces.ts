/**
 * The text of the file being printed, as the pieces the line printer writes (a few characters each: an SDK of
 * 10 MB is about 3 million of them). Consumes pieces, produces the file's string. Whole lines are joined into
 * chunks of about {@link CHUNK_PIECES} pieces as the file is printed ({@link Pieces.flush}), and the chunks once,
 * when the file is done. On Node 20, `join` costs about 0.2 µs a piece for lists of 1-4k pieces and about 1 µs a
 * piece from 16k pieces on: joining each file in one go (150k pieces for the `index.ts` of a 1.55 MB input) was
 * 7% of a generation's CPU profile. One list serves every file in turn, so its storage is grown once.
 */

/** Pieces a flush waits for: many per chunk, and far below the 16k from which `join` slows down. */
const CHUNK_PIECES = 2048;

export class Pieces {
  /** Entries from {@link length} on are leftovers and are never read. */
  private readonly items: string[] = [];
  /** Text of the file printed so far that is no longer open to changes. */
  private chunks: string[] = [];
  /** The number of pieces not yet in a chunk. */
  length = 0;

  push(text: string): void {
    if (this.length < this.items.length) {
      this.items[this.length] = text;
    } else {
      this.items.push(text);
    }
    this.length++;
  }

  /** The piece at `index` (below {@link length}). */
  at(index: number): string {
    return this.items[index]!;
  }

  set(index: number, text: string): void {
    this.items[index] = text;
  }

  /** Takes back the pieces from `length` on. */
  truncate(length: number): void {
    this.length = length;
  }

  /**
   * Closes the pieces written so far to changes once there are enough of them: they are joined into a chunk and
   * indices start again at 0. Call between lines, never while an index from before is still in use.
   */
  flush(): void {
    if (this.length >= CHUNK_PIECES) {
      this.chunks.push(this.joinPieces());
    }
  }

  /** Drops everything written so far (what a failed print left behind). */
  clear(): void {
    this.length = 0;
    this.chunks = [];
  }

  /** The file's text; the buffer is then empty, ready for the next file. */
  take(): string {
    const last = this.joinPieces();
    const chunks = this.chunks;
    if (chunks.length === 0) {
      return last;
    }
    this.chunks = [];
    chunks.push(last);
    return chunks.join("");
  }

  /** Joins the open pieces and empties the list. */
  private joinPieces(): string {
    // Cut the leftovers so that `join` sees the open pieces only (V8 trims the storage in place; the next
    // pushes grow it again, by a few kilobytes).
    this.items.length = this.length;
    const text = this.items.join("");
    this.length = 0;
    return text;
  }
}

/** The buffer every file is printed into, one file at a time (printing is synchronous and never nested). */
export const filePieces = new Pieces();
