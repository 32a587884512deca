/**
 * Runtime, the error of `wasi:cli/exit`: what a call ends with when the guest exits (`wasi.ts` throws it).
 * Consumes the exit status; produces the error class every SDK re-exports, apart from the WASI host so that
 * an SDK without WASI imports can name it without carrying that host.
 */

/**
 * Thrown (as a trap) when the guest calls `wasi:cli/exit`: the call ends, the host process does not. `code`
 * is the exit status (0 for `exit(ok)`, 1 for `exit(err)`).
 */
export class WasiExitError extends Error {
  declare readonly name: "WasiExitError";
  readonly code: number;
  constructor(code: number) {
    super(`the component called wasi:cli/exit with status ${code}`);
    this.code = code;
  }
}
Object.defineProperty(WasiExitError.prototype, "name", {
  value: "WasiExitError",
  writable: true,
  configurable: true,
});
