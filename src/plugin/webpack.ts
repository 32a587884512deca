/**
 * `wit-ts/webpack`: the wit-ts build plugin for webpack (see ./index.ts).
 * Consumes {@link WitTsPluginOptions} (omitted: the wit-ts config file) and
 * produces a plugin instance for webpack's `plugins` array. Its type is
 * stated here rather than imported from webpack so that this declaration
 * needs no webpack types (wit-ts does not depend on webpack).
 */
import { witTs, type WitTsPluginOptions } from "./index.js";

export type { WitTsPluginOptions } from "./index.js";

/** What webpack requires of a plugin; webpack's `Compiler` is passed to `apply`. */
export interface WebpackPlugin {
  apply(compiler: unknown): void;
}

const plugin = witTs.webpack as (options?: WitTsPluginOptions) => WebpackPlugin;
export default plugin;
