/**
 * Runtime, isolation options: the `isolate` option of a generated `instantiate`, which runs the component in
 * a worker (`isolate-host.ts`, `isolate-worker.ts`). Declares the option's type only.
 */

/** How an isolated instance runs: the `isolate` option of a generated `instantiate`. */
export interface IsolateOptions {
  /**
   * Where the worker imports jco's instantiation-mode module from (the file `component` comes from), as a
   * URL: `new URL("./component/name.js", import.meta.url)`. Its core modules are read from beside it.
   */
  readonly componentUrl: { readonly href: string } | string;
  /**
   * The longest a call may run, in milliseconds from when it starts (after the calls queued before it). A
   * call still running then rejects with `CallTimeoutError` and its worker is terminated. No deadline by
   * default.
   */
  readonly callTimeoutMs?: number;
  /**
   * The most bytes each linear memory of the component may hold (rounded down to whole pages). Growing past
   * it fails; the trap that follows has `MemoryLimitError` as its cause. No cap by default (besides the
   * maximum the component declares).
   */
  readonly memoryLimitBytes?: number;
  /** The worker's entry point; `isolate-worker.js` beside this file by default (bundlers follow this `new URL`). */
  readonly workerUrl?: { readonly href: string } | string;
}
