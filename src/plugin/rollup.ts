/**
 * `wit-ts/rollup`: the wit-ts build plugin for Rollup (see ./index.ts), typed as
 * Rollup's own plugin type. Consumes {@link WitTsPluginOptions} (omitted: the
 * wit-ts config file) and produces a plugin object.
 */
import type { Plugin } from "rollup";
import { witTs, type WitTsPluginOptions } from "./index.js";

export type { WitTsPluginOptions } from "./index.js";

const plugin = witTs.rollup as (options?: WitTsPluginOptions) => Plugin;
export default plugin;
