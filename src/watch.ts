/**
 * Watch mode (`wit-ts gen --watch`). Consumes generation targets (the options
 * of `generateSdk` plus an output folder) and keeps each output current:
 * it generates once, then watches the input with Node's `fs.watch` (for a
 * WIT folder: the folder, `deps/` and each dependency folder; for a file: its
 * parent folder, filtered to the one name, so that editors that save by
 * renaming are seen) and regenerates after a short debounce. Produces {@link WatchEvent}s
 * for the caller to print: written, unchanged, failed with diagnostics. A
 * failed generation writes nothing, and `writeSdk` stages its writes, so the
 * output is never half-written; the next good save recovers by itself.
 */
import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import type { SourceMap } from "./diagnostics/source-map.js";
import { formatSdk, generateSdk, writeSdk, type GenerateSdkOptions } from "./index.js";

/** One SDK to keep current. */
export interface WatchTarget {
  readonly options: GenerateSdkOptions;
  /**
   * Format the output with the user's prettier before comparing and writing it (`--format`), looking for
   * prettier from the output folder and then from these folders.
   */
  readonly format?: { readonly searchFrom: readonly string[] };
  /** Output folder, as for `writeSdk`. */
  readonly out: string;
}

interface Timing {
  /** Generation plus comparison plus write, in milliseconds. */
  readonly durationMs: number;
  /**
   * From the first file-system event of the batch to the end of the write (so
   * it includes the debounce); undefined for the initial generation.
   */
  readonly latencyMs: number | undefined;
}

/** What a successful generation read: its `sources` list every input file (for watch lists). */
interface Generated {
  readonly target: WatchTarget;
  readonly worldKey: string;
  readonly sources: SourceMap;
}

export type WatchEvent =
  | ({ readonly kind: "written"; readonly changed: number; readonly files: number } & Generated &
      Timing)
  | ({ readonly kind: "unchanged" } & Generated & Timing)
  | ({
      readonly kind: "failed";
      readonly target: WatchTarget;
      readonly diagnostics: readonly Diagnostic[];
      readonly sources: SourceMap;
    } & Timing)
  | { readonly kind: "write-failed"; readonly target: WatchTarget; readonly message: string };

export interface WatchOptions {
  /** Quiet time after the last change before regenerating; editors write a file in several steps. Default 10 ms. */
  readonly debounceMs?: number;
  readonly onEvent: (event: WatchEvent) => void;
  /** A regeneration threw: a bug in wit-ts. Watching goes on (the next change may not hit it). */
  readonly onInternalError: (error: unknown) => void;
}

export interface SdkWatcher {
  /** Settles when every target has been generated once and the watchers are in place. */
  readonly ready: Promise<void>;
  /** Stops watching and waits for a regeneration in progress. */
  close(): Promise<void>;
}

/** Extensions of the files that can change a WIT package (`deps/` may hold wasm-encoded packages). */
const INPUT_FILE = /\.(wit|wasm|wat)$/;

/** Starts watching; see the file header. Throws only if the input cannot be watched at all (it must exist). */
export function watchSdk(targets: readonly WatchTarget[], options: WatchOptions): SdkWatcher {
  const debounceMs = options.debounceMs ?? 10;
  const watchers: Closable[] = [];
  const states = targets.map((target) => createState(target));
  let closed = false;

  function createState(target: WatchTarget) {
    return {
      target,
      timer: undefined as NodeJS.Timeout | undefined,
      firstChangeAt: undefined as number | undefined,
      running: undefined as Promise<void> | undefined,
      /** A change arrived while a regeneration ran: run again when it ends. */
      again: false,
    };
  }
  type State = ReturnType<typeof createState>;

  function schedule(state: State): void {
    if (closed) return;
    state.firstChangeAt ??= performance.now();
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void run(state);
    }, debounceMs);
  }

  function run(state: State): Promise<void> {
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const since = state.firstChangeAt;
    state.firstChangeAt = undefined;
    state.running = regenerate(state.target, since)
      .then(options.onEvent, options.onInternalError)
      .finally(() => {
        state.running = undefined;
        if (state.again && !closed) {
          state.again = false;
          schedule(state);
        }
      });
    return state.running;
  }

  const ready = (async () => {
    for (const state of states) {
      watchers.push(watchInput(state.target, () => schedule(state)));
      await run(state);
    }
  })();
  ready.catch(() => {});

  return {
    ready,
    async close() {
      closed = true;
      for (const w of watchers) w.close();
      for (const state of states) if (state.timer) clearTimeout(state.timer);
      await Promise.all(states.map((s) => s.running));
    },
  };
}

/**
 * Generates one target and writes it only when it differs from what is on disk; the build plugin
 * uses it too. `changedAt` (a `performance.now()` time) is when the change that caused it was seen.
 */
export async function regenerate(
  target: WatchTarget,
  changedAt: number | undefined,
): Promise<WatchEvent> {
  const start = performance.now();
  const timing = (): Timing => {
    const end = performance.now();
    return {
      durationMs: end - start,
      latencyMs: changedAt === undefined ? undefined : end - changedAt,
    };
  };
  const generated = await generateSdk(target.options);
  const result =
    target.format === undefined
      ? generated
      : await formatSdk(target.out, generated, { searchFrom: target.format.searchFrom });
  if (result.diagnostics.length > 0 || result.worldKey === undefined) {
    return {
      kind: "failed",
      target,
      diagnostics: result.diagnostics,
      sources: result.sources,
      ...timing(),
    };
  }
  const { worldKey, sources } = result;
  // writeSdk compares before it writes: an edit that changes no output (a comment, whitespace) touches no
  // file, so bundlers watching the output do not rebuild for nothing.
  let diff;
  try {
    diff = writeSdk(target.out, result);
  } catch (e) {
    return { kind: "write-failed", target, message: (e as Error).message };
  }
  const changed = diff.changed.length + diff.stale.length;
  if (changed === 0) return { kind: "unchanged", target, worldKey, sources, ...timing() };
  return {
    kind: "written",
    target,
    worldKey,
    sources,
    changed,
    files: result.files.length,
    ...timing(),
  };
}

/** Something that can be closed: one target's set of file-system watchers. */
interface Closable {
  close(): void;
}

/** Watches what can change a target's input and calls `onChange` for each relevant event. */
function watchInput(target: WatchTarget, onChange: () => void): Closable {
  const input = resolve(target.options.input);
  if (statSync(input).isDirectory()) return watchPackageDir(input, resolve(target.out), onChange);
  const name = basename(input);
  const watcher = watch(dirname(input), (_event, changed) => {
    if (changed === null || changed.toString() === name) onChange();
  });
  watcher.on("error", () => {});
  return watcher;
}

/**
 * Watches the folders the loader reads (src/wit/load.ts): the package folder, its `deps/` and each
 * folder in `deps/`, one non-recursive `fs.watch` each. Node 20's `recursive: true` on Linux watches
 * files one by one and goes deaf to a file once an editor saves it by renaming a temporary file over
 * it (as `sed -i`, vim and many IDEs do); folder watchers see every such rename. The set of folders is
 * re-read whenever an entry is renamed, so a dependency added while watching is watched too.
 */
function watchPackageDir(root: string, out: string, onChange: () => void): Closable {
  const deps = join(root, "deps");
  const watchers = new Map<string, FSWatcher>();
  const isDir = (path: string) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  };
  const wanted = (): string[] => {
    const dirs = [root];
    if (!isDir(deps)) return dirs;
    dirs.push(deps);
    for (const entry of readdirSync(deps)) {
      const path = join(deps, entry);
      if (path !== out && isDir(path)) dirs.push(path);
    }
    return dirs;
  };
  /** Brings the watchers in line with the folders on disk; true when the set changed. */
  const sync = (): boolean => {
    let next: Set<string>;
    try {
      next = new Set(wanted());
    } catch {
      next = new Set([root]);
    }
    let changed = false;
    for (const [dir, w] of watchers) {
      if (!next.has(dir)) {
        w.close();
        watchers.delete(dir);
        changed = true;
      }
    }
    for (const dir of next) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, (event, name) =>
          onEvent(dir, event, name === null ? undefined : name.toString()),
        );
        w.on("error", () => {});
        watchers.set(dir, w);
        changed = true;
      } catch {
        // Gone between the listing and the watch: the next rename event re-syncs.
      }
    }
    return changed;
  };
  const onEvent = (dir: string, event: string, name: string | undefined): void => {
    if (name === undefined) return onChange();
    const path = join(dir, name);
    if (path === out || path.startsWith(out + ".wit-ts-staging-")) return;
    const foldersChanged = event === "rename" && sync();
    // In `deps/` every entry counts (a dependency may be a folder or a single .wit/.wasm/.wat file).
    if (
      foldersChanged ||
      INPUT_FILE.test(name) ||
      dir === deps ||
      (dir === root && name === "deps")
    )
      onChange();
  };
  sync();
  return {
    close() {
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
