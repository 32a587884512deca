/**
 * The call-protocol suite (calls.test.ts) again, with every instance isolated in a worker: the same tests, the
 * same expectations, so that FIFO order, reentrance refusal, trap poisoning, restart, result errors and
 * disposal are shown to hold in both modes.
 */
import { ISOLATE_ALL_ENV } from "./fixtures/sdk-support/sdk.js";

process.env[ISOLATE_ALL_ENV] = "1";
await import("./calls.test.js");
