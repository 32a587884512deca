/**
 * The build plugin, written once against unplugin and exposed per bundler by
 * `wit-ts/vite`, `wit-ts/rollup`, `wit-ts/esbuild` and `wit-ts/webpack`.
 * Consumes the same entries as the config file (or, given no options, finds
 * `wit-ts.config.*` from the bundler's root) and produces the SDKs as real
 * `.ts` files in each entry's `out` folder, so app code imports them with
 * exact types and no virtual modules. It generates at build start (every
 * rebuild, for Rollup and webpack watch), registers the WIT files as watch
 * files, and in Vite's dev server regenerates when one changes. Generation
 * errors fail the build with wit-parser-style code frames. Writes go through
 * `regenerate` (watch.ts): nothing is written when the output is unchanged,
 * so the bundler's own watcher sees no spurious change.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig, validateConfig, type ConfigEntry, type WitTsConfig } from "../config.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { SourceMap } from "../diagnostics/source-map.js";
import { regenerate, type WatchEvent, type WatchTarget } from "../watch.js";
import { createUnplugin, type DevServerLike, type UnpluginInstance } from "./unplugin.js";

/** One entry or several, as in `wit-ts.config.*`; omitted, the config file is used. */
export type WitTsPluginOptions = WitTsConfig;

export type { ConfigEntry, WitTsConfig } from "../config.js";

const PLUGIN_NAME = "wit-ts";

/**
 * The error a failed generation raises in the bundler. Rollup and Vite read
 * `id` and `loc` (the first diagnostic's place) to point editors and the
 * overlay at the WIT file; the message holds every diagnostic's code frame.
 */
export class WitTsBuildError extends Error {
  id: string | undefined;
  loc: { file: string; line: number; column: number } | undefined;
  readonly diagnostics: readonly Diagnostic[];

  constructor(message: string, diagnostics: readonly Diagnostic[], sources: SourceMap) {
    super(message);
    this.name = "WitTsBuildError";
    this.diagnostics = diagnostics;
    const first = diagnostics[0];
    const at = first && first.span.start >= 0 ? sources.locate(first.span.start) : undefined;
    this.id = at ? resolve(at.path) : undefined;
    this.loc = at ? { file: resolve(at.path), line: at.line, column: at.column } : undefined;
  }
}

/** An entry made ready to run: the paths as `generateSdk` wants them, and absolute ones for matching. */
interface Job {
  readonly target: WatchTarget;
  readonly input: string;
  readonly out: string;
}

type Prepared =
  | { readonly kind: "ok"; readonly jobs: readonly Job[] }
  | { readonly kind: "error"; readonly error: WitTsBuildError };

/** The plugin for every bundler unplugin supports; the typed entry points are `wit-ts/vite` etc. */
export const witTs: UnpluginInstance<WitTsPluginOptions> = createUnplugin<WitTsPluginOptions>(
  (options, meta) => {
    let root = process.cwd();
    let server: DevServerLike | undefined;
    /** The entries, once read: the config file is read once per plugin instance (a failed read is retried). */
    let jobs: readonly Job[] | undefined;
    // Generations never overlap: a change during a build waits for it.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(task: () => Promise<T>): Promise<T> => {
      const run = queue.then(task);
      queue = run.catch(() => undefined);
      return run;
    };

    async function prepare(): Promise<Prepared> {
      if (jobs) return { kind: "ok", jobs };
      let base: string;
      let entries: readonly ConfigEntry[];
      if (options === undefined) {
        const loaded = await loadConfig({ cwd: root });
        if (!loaded.config)
          return {
            kind: "error",
            error: buildError("cannot read the wit-ts config", loaded.diagnostics, new SourceMap()),
          };
        base = loaded.config.dir;
        entries = loaded.config.entries;
      } else {
        const checked = validateConfig(options, "witTs() options");
        if (checked.diagnostics.length > 0) {
          return {
            kind: "error",
            error: buildError("cannot use these options", checked.diagnostics, new SourceMap()),
          };
        }
        base = root;
        entries = checked.entries;
      }
      jobs = entries.map((entry) => job(entry, base));
      return { kind: "ok", jobs };
    }

    /** Runs every job; returns the events and the error to raise, if any. */
    async function generateAll(
      changedAt?: number,
    ): Promise<{ events: WatchEvent[]; error: WitTsBuildError | undefined }> {
      const ready = await prepare();
      if (ready.kind === "error") return { events: [], error: ready.error };
      const events: WatchEvent[] = [];
      for (const j of ready.jobs) events.push(await regenerate(j.target, changedAt));
      return { events, error: firstError(events) };
    }

    function isInput(id: string): boolean {
      const path = resolve(id);
      return (jobs ?? []).some(
        (j) =>
          path === j.input ||
          (inside(path, j.input) && !inside(path, j.out) && /\.(wit|wasm|wat)$/.test(path)),
      );
    }

    return {
      name: PLUGIN_NAME,
      enforce: "pre",
      async buildStart() {
        const { events, error } = await serial(() => generateAll());
        // esbuild has no watch-file list outside load hooks (unplugin throws there); its watch mode
        // does not see WIT edits, which the README says.
        if (meta.framework !== "esbuild") {
          for (const file of watchFiles(jobs ?? [], events)) this.addWatchFile(file);
        }
        if (error) throw error;
      },
      watchChange(id) {
        // Rollup and webpack run buildStart again for the rebuild a change causes; only Vite's dev
        // server, which calls buildStart once, needs the regeneration here.
        if (!server || !isInput(id)) return;
        const dev = server;
        const changedAt = performance.now();
        void serial(() => generateAll(changedAt)).then(
          ({ events, error }) => reportToDevServer(dev, events, error),
          (e: unknown) =>
            dev.config.logger.error(
              `[${PLUGIN_NAME}] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
            ),
        );
      },
      vite: {
        configResolved(config) {
          root = config.root;
        },
        configureServer(devServer) {
          server = devServer;
        },
      },
    };
  },
);

function job(entry: ConfigEntry, base: string): Job {
  const input = resolve(base, entry.input);
  const out = resolve(base, entry.out);
  return {
    input,
    out,
    target: {
      // The generated headers name the input relative to the output folder: the same text `wit-ts gen` writes.
      options: {
        input: relative(process.cwd(), input) || ".",
        out,
        features: [...(entry.features ?? [])],
        allFeatures: entry.allFeatures ?? false,
        ...(entry.world === undefined ? {} : { world: entry.world }),
        ...(entry.autodropBorrows === undefined ? {} : { autodropBorrows: entry.autodropBorrows }),
        ...(entry.runtimeImport === undefined ? {} : { runtimeImport: entry.runtimeImport }),
        ...(entry.directCalls === undefined ? {} : { directCalls: entry.directCalls }),
      },
      ...(entry.format === true ? { format: { searchFrom: [base] } } : {}),
      out,
    },
  };
}

/** Every file a generation read, plus each input (a folder: so that files added later are seen). */
function watchFiles(jobs: readonly Job[], events: readonly WatchEvent[]): string[] {
  const files = new Set<string>(jobs.map((j) => j.input));
  for (const e of events) {
    if (e.kind === "write-failed") continue;
    for (const f of e.sources.files) files.add(resolve(f.path));
  }
  return [...files].sort();
}

function firstError(events: readonly WatchEvent[]): WitTsBuildError | undefined {
  for (const e of events) {
    switch (e.kind) {
      case "written":
      case "unchanged":
        break;
      case "failed":
        return buildError(
          `cannot generate ${shown(e.target.out)} from ${e.target.options.input}`,
          e.diagnostics,
          e.sources,
        );
      case "write-failed":
        return new WitTsBuildError(
          `cannot write ${shown(e.target.out)}: ${e.message}`,
          [],
          new SourceMap(),
        );
      default:
        return assertNever(e);
    }
  }
  return undefined;
}

function buildError(
  what: string,
  diagnostics: readonly Diagnostic[],
  sources: SourceMap,
): WitTsBuildError {
  return new WitTsBuildError(
    `${what}:\n${renderDiagnostics(diagnostics, sources)}`,
    diagnostics,
    sources,
  );
}

function reportToDevServer(
  server: DevServerLike,
  events: readonly WatchEvent[],
  error: WitTsBuildError | undefined,
): void {
  const logger = server.config.logger;
  for (const e of events) {
    if (e.kind === "written") {
      logger.info(
        `[${PLUGIN_NAME}] regenerated ${shown(e.target.out)} in ${Math.round(e.durationMs)} ms`,
      );
    }
  }
  if (error) {
    logger.error(`[${PLUGIN_NAME}] ${error.message}`);
    server.ws.send({
      type: "error",
      err: {
        message: error.message,
        stack: "",
        plugin: PLUGIN_NAME,
        ...(error.id === undefined ? {} : { id: error.id }),
      },
    });
  }
}

/** An absolute output path as a message shows it: relative to the working folder. */
function shown(path: string): string {
  return relative(process.cwd(), path).split(sep).join("/") || ".";
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(sep);
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${JSON.stringify(x)}`);
}
