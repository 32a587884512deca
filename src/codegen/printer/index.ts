/**
 * The printer of the code generator: what emitters import to print a TypeScript file. Symbols (`symbols.ts`),
 * the layout constructors (`layouts.ts`), the file and its `print` (`generated-file.ts`), JSDoc (`jsdoc.ts`),
 * structure numbers of printables (`printable-ids.ts`); the import block (`imports.ts`), the line printer
 * (`print-line.ts`) and the buffer the text is written to (`text-buffer.ts`) stay behind them.
 */
export {
  createImportSymbol,
  createLocalSymbol,
  type ImportSymbol,
  type LocalSymbol,
  type SymbolRef,
} from "./symbols.js";
export {
  array,
  arrayType,
  assignment,
  callArgs,
  object,
  objectType,
  pure,
  signature,
  typeAlias,
  typeArgs,
  typeParams,
  union,
  type Layout,
  type Printable,
} from "./layouts.js";
export {
  createGeneratedFile,
  generatedByComment,
  printGeneratedFile,
  type GeneratedFile,
  type GeneratedFileOptions,
} from "./generated-file.js";
export type { JsDocInput, JsDocTag } from "./jsdoc.js";
export { PrintableIds } from "./printable-ids.js";
export { WIDTH } from "./print-line.js";
