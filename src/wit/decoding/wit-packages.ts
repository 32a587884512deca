/**
 * WIT packages encoded as WebAssembly components (the `.wasm` and `.wat`
 * files a `deps/` folder may hold, as `wasm-tools component wit --wasm`
 * writes them). Phase: loading, before resolution. Consumes the bytes of a
 * binary component or the text of a `.wat` file and produces equivalent WIT
 * source text, which then goes through the ordinary parser and resolver (so
 * every check applies to it too).
 *
 * Both formats are read into one small IR of component-type declarations
 * (`Decl`, `Slot`), following the component model's `Binary.md` and the
 * text format's desugaring of inline types. Then each exported component
 * type `ns:pkg/name` becomes an interface (an instance type) or a world (a
 * component type) in WIT. Supported: value types, resources and handles,
 * functions (sync and async), `use` of types from other interfaces through
 * instance imports and aliases. Anything else is reported as unsupported,
 * never guessed. The reader of each format, the IR and the printer are files of
 * their own, shared with component-packages.ts, which reads the interfaces of runnable components.
 */
import { decodeBinary } from "./binary-reader.js";
import { DecodeError } from "./component-types.js";
import { decodeText } from "./wat-reader.js";
import { WitPrinter } from "./wit-printer.js";

/**
 * Decodes a WIT package encoded as a component into WIT source text.
 * `text` selects the text format (`.wat`); otherwise `bytes` is a binary.
 */
export function decodeWitPackage(
  bytes: Uint8Array,
  text: boolean,
): { wit: string } | { error: string } {
  try {
    const items = text
      ? decodeText(new TextDecoder("utf-8", { fatal: true }).decode(bytes))
      : decodeBinary(bytes);
    return { wit: new WitPrinter().print(items) };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TypeError) return { error: e.message };
    // Types nest by recursion here; absurdly deep nesting is refused rather than crashing.
    if (e instanceof RangeError) return { error: "types nested too deeply" };
    throw e;
  }
}
