/**
 * `wit-ts/vite`: the wit-ts build plugin for Vite (see ./index.ts), typed as
 * Vite's own plugin type. Consumes {@link WitTsPluginOptions} (omitted: the
 * wit-ts config file) and produces a plugin object.
 */
import type { Plugin } from "vite";
import { witTs, type WitTsPluginOptions } from "./index.js";

export type { WitTsPluginOptions } from "./index.js";

const plugin = witTs.vite as (options?: WitTsPluginOptions) => Plugin;
export default plugin;
