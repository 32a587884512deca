/**
 * Runtime, symbol table: the contract between the code generator and the runtime. Lists exactly the symbols
 * generated code may import, each with the runtime file that exports it and whether it is a type (imported
 * with `import type`) or a value, plus the files the generator copies into an SDK's output. Consumed by the
 * generator, which imports runtime symbols only through this table; not itself copied into SDKs.
 */

/** The runtime files copied into a generated SDK; they import only each other. */
export const runtimeFiles: readonly RuntimeFile[] = [
  "errors.ts",
  "call-gate.ts",
  "resource-table.ts",
  "borrow.ts",
  "host-resources.ts",
  "values.ts",
  "tasks.ts",
  "async-values.ts",
  "index.ts",
];

export type RuntimeFile =
  | "errors.ts"
  | "call-gate.ts"
  | "resource-table.ts"
  | "borrow.ts"
  | "host-resources.ts"
  | "values.ts"
  | "tasks.ts"
  | "async-values.ts"
  | "index.ts";

/** `type`: import with `import type`; `value`: a function, constant or class (usable as a type as well). */
export type RuntimeSymbolKind = "type" | "value";

export interface RuntimeSymbol {
  readonly name: RuntimeSymbolName;
  readonly file: RuntimeFile;
  readonly kind: RuntimeSymbolKind;
}

// One line per symbol, grouped by file: [file, kind].
const table = {
  // errors.ts
  WitTsError: ["errors.ts", "value"],
  TrapError: ["errors.ts", "value"],
  InstancePoisonedError: ["errors.ts", "value"],
  InstanceDisposedError: ["errors.ts", "value"],
  ReentranceError: ["errors.ts", "value"],
  ResultError: ["errors.ts", "value"],
  BorrowExpiredError: ["errors.ts", "value"],
  BorrowsRemainError: ["errors.ts", "value"],
  ResourceLentError: ["errors.ts", "value"],
  NotLentError: ["errors.ts", "value"],
  ResourceDisposedError: ["errors.ts", "value"],
  StaleHandleError: ["errors.ts", "value"],
  InvalidHandleError: ["errors.ts", "value"],
  WrongTypeError: ["errors.ts", "value"],
  HasChildrenError: ["errors.ts", "value"],
  TableFullError: ["errors.ts", "value"],
  describeValue: ["errors.ts", "value"],
  WitTsErrorName: ["errors.ts", "type"],
  BorrowEndReason: ["errors.ts", "type"],
  reportUncaught: ["errors.ts", "value"],
  // call-gate.ts
  createCallGate: ["call-gate.ts", "value"],
  isThenable: ["call-gate.ts", "value"],
  CallGate: ["call-gate.ts", "type"],
  CallGateOptions: ["call-gate.ts", "type"],
  CallGateState: ["call-gate.ts", "type"],
  CallOptions: ["call-gate.ts", "type"],
  ResultErrorClassifier: ["call-gate.ts", "type"],
  // resource-table.ts
  createResourceTable: ["resource-table.ts", "value"],
  createTypedTable: ["resource-table.ts", "value"],
  Handle: ["resource-table.ts", "type"],
  LeakReport: ["resource-table.ts", "type"],
  ResourceTable: ["resource-table.ts", "type"],
  ResourceTableOptions: ["resource-table.ts", "type"],
  ResourceType: ["resource-table.ts", "type"],
  ResourceTypeOptions: ["resource-table.ts", "type"],
  ResourceTypeRef: ["resource-table.ts", "type"],
  TypedTable: ["resource-table.ts", "type"],
  // borrow.ts
  createBorrowScope: ["borrow.ts", "value"],
  lend: ["borrow.ts", "value"],
  release: ["borrow.ts", "value"],
  lendCount: ["borrow.ts", "value"],
  assertNotLent: ["borrow.ts", "value"],
  markDisposed: ["borrow.ts", "value"],
  isDisposed: ["borrow.ts", "value"],
  assertNotDisposed: ["borrow.ts", "value"],
  guardDispose: ["borrow.ts", "value"],
  callWithLoans: ["borrow.ts", "value"],
  isBorrow: ["borrow.ts", "value"],
  unwrapBorrow: ["borrow.ts", "value"],
  lendForCall: ["borrow.ts", "value"],
  disposeUnlessLent: ["borrow.ts", "value"],
  Borrowed: ["borrow.ts", "type"],
  BorrowHandle: ["borrow.ts", "type"],
  BorrowScope: ["borrow.ts", "type"],
  Loan: ["borrow.ts", "type"],
  ScopedBorrow: ["borrow.ts", "type"],
  CallLoans: ["borrow.ts", "type"],
  // host-resources.ts
  createHostResources: ["host-resources.ts", "value"],
  hostTableState: ["host-resources.ts", "value"],
  withImportLends: ["host-resources.ts", "value"],
  EntryRef: ["host-resources.ts", "type"],
  ResourceTableView: ["host-resources.ts", "type"],
  HostResourcesBase: ["host-resources.ts", "type"],
  HostResourceOptions: ["host-resources.ts", "type"],
  HostTableState: ["host-resources.ts", "type"],
  // values.ts
  bool: ["values.ts", "value"],
  u8: ["values.ts", "value"],
  u16: ["values.ts", "value"],
  u32: ["values.ts", "value"],
  s8: ["values.ts", "value"],
  s16: ["values.ts", "value"],
  s32: ["values.ts", "value"],
  u64: ["values.ts", "value"],
  s64: ["values.ts", "value"],
  f32: ["values.ts", "value"],
  f64: ["values.ts", "value"],
  char: ["values.ts", "value"],
  string: ["values.ts", "value"],
  opaque: ["values.ts", "value"],
  u8List: ["values.ts", "value"],
  s8List: ["values.ts", "value"],
  u16List: ["values.ts", "value"],
  s16List: ["values.ts", "value"],
  u32List: ["values.ts", "value"],
  s32List: ["values.ts", "value"],
  u64List: ["values.ts", "value"],
  s64List: ["values.ts", "value"],
  f32List: ["values.ts", "value"],
  f64List: ["values.ts", "value"],
  list: ["values.ts", "value"],
  fixedList: ["values.ts", "value"],
  map: ["values.ts", "value"],
  tuple: ["values.ts", "value"],
  record: ["values.ts", "value"],
  flags: ["values.ts", "value"],
  variant: ["values.ts", "value"],
  enumeration: ["values.ts", "value"],
  option: ["values.ts", "value"],
  result: ["values.ts", "value"],
  guestResource: ["values.ts", "value"],
  hostResource: ["values.ts", "value"],
  own: ["values.ts", "value"],
  borrow: ["values.ts", "value"],
  GuestResource: ["values.ts", "value"],
  isComponentError: ["values.ts", "value"],
  createInstanceCore: ["values.ts", "value"],
  startInstance: ["values.ts", "value"],
  createWorldInstance: ["values.ts", "value"],
  wasiImport: ["values.ts", "value"],
  exportSpec: ["values.ts", "value"],
  callExport: ["values.ts", "value"],
  callMethod: ["values.ts", "value"],
  importSpec: ["values.ts", "value"],
  adaptImport: ["values.ts", "value"],
  hostResourceClass: ["values.ts", "value"],
  Result: ["values.ts", "type"],
  Option: ["values.ts", "type"],
  ValueKind: ["values.ts", "type"],
  LowerContext: ["values.ts", "type"],
  ValueType: ["values.ts", "type"],
  ResultType: ["values.ts", "type"],
  GuestResourceType: ["values.ts", "type"],
  HostResourceType: ["values.ts", "type"],
  ResourceDescriptor: ["values.ts", "type"],
  GuestResourceClass: ["values.ts", "type"],
  HostResourceMembers: ["values.ts", "type"],
  GetCoreModule: ["values.ts", "type"],
  ComponentModule: ["values.ts", "type"],
  InstanceOptions: ["values.ts", "type"],
  InstanceDefaults: ["values.ts", "type"],
  InstanceCore: ["values.ts", "type"],
  InstanceControls: ["values.ts", "type"],
  ExportSpec: ["values.ts", "type"],
  ImportSpec: ["values.ts", "type"],
  ImportCall: ["values.ts", "type"],
  // tasks.ts
  createTaskTracker: ["tasks.ts", "value"],
  jcoTaskHooksKey: ["tasks.ts", "value"],
  AsyncCallOptions: ["tasks.ts", "type"],
  CallSignal: ["tasks.ts", "type"],
  AsyncCall: ["tasks.ts", "type"],
  JcoTask: ["tasks.ts", "type"],
  JcoTaskHooks: ["tasks.ts", "type"],
  TaskTracker: ["tasks.ts", "type"],
  TaskTrackerOptions: ["tasks.ts", "type"],
  // async-values.ts
  future: ["async-values.ts", "value"],
  stream: ["async-values.ts", "value"],
  byteStream: ["async-values.ts", "value"],
  errorContext: ["async-values.ts", "value"],
  ErrorContext: ["async-values.ts", "value"],
  Future: ["async-values.ts", "type"],
  FutureSource: ["async-values.ts", "type"],
  Stream: ["async-values.ts", "type"],
  StreamSource: ["async-values.ts", "type"],
  StreamReader: ["async-values.ts", "type"],
  ByteStream: ["async-values.ts", "type"],
  ByteStreamSource: ["async-values.ts", "type"],
} as const satisfies Record<string, readonly [RuntimeFile, RuntimeSymbolKind]>;

export type RuntimeSymbolName = keyof typeof table;

/** Every symbol, in the order above. */
export const runtimeSymbols: readonly RuntimeSymbol[] = Object.entries(table).map(([name, [file, kind]]) =>
  Object.freeze({ name: name as RuntimeSymbolName, file, kind }),
);

const byName = new Map<string, RuntimeSymbol>(runtimeSymbols.map((symbol) => [symbol.name, symbol]));

/** Looks a symbol up; throws for a name generated code may not import (a generator bug). */
export function runtimeSymbol(name: RuntimeSymbolName): RuntimeSymbol {
  const symbol = byName.get(name);
  if (symbol === undefined) throw new Error(`\`${name}\` is not a runtime symbol`);
  return symbol;
}
