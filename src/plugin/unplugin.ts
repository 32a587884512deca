/**
 * The part of unplugin that wit-ts's build plugin uses, loaded at run time
 * and typed here. unplugin's own declaration file imports the types of every
 * bundler it supports (webpack, rspack, farm, bun...), so with
 * `skipLibCheck: false` a project that has only some of them installed
 * (this one, and many users) fails to type-check merely by importing it.
 * Loading it through a specifier TypeScript does not follow keeps those
 * types out; each entry point (vite.ts, rollup.ts, ...) states its own
 * bundler's plugin type instead.
 */

/** What unplugin passes as `this` to `buildStart` and `watchChange`. */
export interface UnpluginBuildContext {
  /** Throws under esbuild outside resolveId/load/transform; callers check the framework first. */
  addWatchFile(id: string): void;
}

/** The framework the plugin instance was created for (`meta.framework`). */
export interface UnpluginMeta {
  readonly framework: string;
}

/** The Vite dev server as far as the plugin reports to it. */
export interface DevServerLike {
  readonly config: { readonly logger: { info(msg: string): void; error(msg: string): void } };
  readonly ws: {
    send(payload: {
      type: "error";
      err: { message: string; stack: string; plugin?: string; id?: string };
    }): void;
  };
}

/** The hooks wit-ts implements (a subset of unplugin's `UnpluginOptions`). */
export interface UnpluginHooks {
  readonly name: string;
  readonly enforce?: "pre" | "post";
  buildStart?(this: UnpluginBuildContext): Promise<void>;
  watchChange?(
    this: UnpluginBuildContext,
    id: string,
    change: { event: "create" | "update" | "delete" },
  ): void;
  readonly vite?: {
    configResolved?(config: { readonly root: string }): void;
    configureServer?(server: DevServerLike): void;
  };
}

/** One factory, one plugin per bundler; the results are typed by the entry points. */
export interface UnpluginInstance<Options> {
  vite(options?: Options): unknown;
  rollup(options?: Options): unknown;
  esbuild(options?: Options): unknown;
  webpack(options?: Options): unknown;
}

type CreateUnplugin = <Options>(
  factory: (options: Options | undefined, meta: UnpluginMeta) => UnpluginHooks,
) => UnpluginInstance<Options>;

// A non-literal specifier: TypeScript then types the import as `any` instead of reading unplugin's types.
const specifier: string = "unplugin";
const loaded = (await import(specifier)) as { createUnplugin: CreateUnplugin };

export const createUnplugin: CreateUnplugin = loaded.createUnplugin;
