/**
 * The text of the file being printed, as the pieces the line printer writes (a few characters each: an SDK of
 * 10 MB is about 3 million of them), joined once when the file is done. Consumes pieces, produces the file's
 * string. One array serves every file in turn: an array of its own per file would be grown piece by piece,
 * copying its storage at each step, which was a fifth of everything a large generation allocated.
 */
export class Pieces {
  /** Entries from {@link length} on are leftovers of the file printed before and are never read. */
  private readonly items: string[] = [];
  /** The number of pieces of the file being printed. */
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

  /** The file's text; the buffer is then empty, ready for the next file. */
  take(): string {
    // Cut the leftovers so that `join` sees this file's pieces only (this trims storage only when the next file
    // is much shorter, and keeps it otherwise).
    this.items.length = this.length;
    const text = this.items.join("");
    this.length = 0;
    return text;
  }
}

/** The buffer every file is printed into, one file at a time (printing is synchronous and never nested). */
export const filePieces = new Pieces();
