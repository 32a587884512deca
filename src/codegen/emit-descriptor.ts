/**
 * Code generation, descriptor constants: consumes a type's runtime descriptor expression (built by
 * `type-expr.ts`) and prints the `export const xType = ...;` that function specs refer to. Both the type
 * emitter and the resource emitter print them, which is why this is neither one's file.
 */
import { pure, type GeneratedFile, type Printable } from "./printer/index.js";

/** `export const xType = <descriptor>;`, marked pure when it is a call (aliases are plain references). */
export function printDescriptor(f: GeneratedFile, name: string, descriptor: Printable): void {
  f.print("export const ", name, " = ", isCall(descriptor) ? pure(descriptor) : descriptor, ";");
}

/** True for `[callee, callArgs(...)]` or `[callee, typeArgs(...), callArgs(...)]`, as `type-expr.ts` builds calls. */
function isCall(p: Printable): boolean {
  if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) return false;
  const args: unknown = p[p.length - 1];
  return (
    typeof args === "object" &&
    args !== null &&
    !Array.isArray(args) &&
    (args as { kind?: unknown }).kind === "call-args"
  );
}
