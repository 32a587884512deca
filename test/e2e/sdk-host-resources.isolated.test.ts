/**
 * The sdk-host-resources suite (sdk-host-resources.test.ts) again, with every instance isolated in a worker: the same tests and
 * expectations, so that its behaviour is shown to hold in both modes.
 */
import { ISOLATE_ALL_ENV } from "./fixtures/sdk-support/sdk.js";

process.env[ISOLATE_ALL_ENV] = "1";
await import("./sdk-host-resources.test.js");
