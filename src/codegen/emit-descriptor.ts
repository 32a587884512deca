/**
 * Code generation, descriptor constants: consumes a type's runtime descriptor expression (built by
 * `type-expr.ts`) and prints the `export const xType = ...;` that function specs refer to. Both the type
 * emitter and the resource emitter print them, which is why this is neither one's file. The call is not
 * annotated: the runtime's descriptor constructors are declared `#__NO_SIDE_EFFECTS__`, which bundlers that
 * honour it apply to every call, nested ones included.
 */
import type { GeneratedFile, Printable } from "./printer/index.js";

/** `export const xType = <descriptor>;`. */
export function printDescriptor(f: GeneratedFile, name: string, descriptor: Printable): void {
  f.print("export const ", name, " = ", descriptor, ";");
}
