/**
 * `wit-ts/esbuild`: the wit-ts build plugin for esbuild (see ./index.ts), typed as
 * esbuild's own plugin type. Consumes {@link WitTsPluginOptions} (omitted: the
 * wit-ts config file) and produces a plugin object.
 */
import type { Plugin } from "esbuild";
import { witTs, type WitTsPluginOptions } from "./index.js";

export type { WitTsPluginOptions } from "./index.js";

const plugin = witTs.esbuild as (options?: WitTsPluginOptions) => Plugin;
export default plugin;
