/**
 * Runtime, symbol table: the contract between the code generator and the runtime. Lists exactly the symbols
 * generated code may import, each with the runtime file that exports it and whether it is a type (imported
 * with `import type`) or a value, plus the files the generator copies into an SDK's output. Consumed by the
 * generator, which imports runtime symbols only through this table; not itself copied into SDKs.
 */

/** The runtime files copied into a generated SDK; they import only each other. */
export const runtimeFiles = [
  "errors.ts",
  "call-gate.ts",
  "resource-table.ts",
  "borrow.ts",
  "host-resources.ts",
  "value-types.ts",
  "instance-core.ts",
  "jco-module.ts",
  "guest-resources.ts",
  "export-calls.ts",
  "import-adapters.ts",
  "wasi.ts",
  "wasi-interfaces.ts",
  "isolate-errors.ts",
  "wasm-binary.ts",
  "memory-limit.ts",
  "isolate-options.ts",
  "isolate-wire.ts",
  "isolate-reply-channel.ts",
  "isolate-host.ts",
  "isolate-worker.ts",
  "canonical-memory.ts",
  "canonical-abi.ts",
  "direct-calls.ts",
  "direct-imports.ts",
  "tasks.ts",
  "async-values.ts",
  "index.ts",
] as const;

export type RuntimeFile = (typeof runtimeFiles)[number];

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
  whenBorrowEnds: ["borrow.ts", "value"],
  startsOffThread: ["borrow.ts", "value"],
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
  // value-types.ts
  bool: ["value-types.ts", "value"],
  u8: ["value-types.ts", "value"],
  u16: ["value-types.ts", "value"],
  u32: ["value-types.ts", "value"],
  s8: ["value-types.ts", "value"],
  s16: ["value-types.ts", "value"],
  s32: ["value-types.ts", "value"],
  u64: ["value-types.ts", "value"],
  s64: ["value-types.ts", "value"],
  f32: ["value-types.ts", "value"],
  f64: ["value-types.ts", "value"],
  char: ["value-types.ts", "value"],
  string: ["value-types.ts", "value"],
  opaque: ["value-types.ts", "value"],
  u8List: ["value-types.ts", "value"],
  s8List: ["value-types.ts", "value"],
  u16List: ["value-types.ts", "value"],
  s16List: ["value-types.ts", "value"],
  u32List: ["value-types.ts", "value"],
  s32List: ["value-types.ts", "value"],
  u64List: ["value-types.ts", "value"],
  s64List: ["value-types.ts", "value"],
  f32List: ["value-types.ts", "value"],
  f64List: ["value-types.ts", "value"],
  list: ["value-types.ts", "value"],
  fixedList: ["value-types.ts", "value"],
  map: ["value-types.ts", "value"],
  tuple: ["value-types.ts", "value"],
  record: ["value-types.ts", "value"],
  flags: ["value-types.ts", "value"],
  variant: ["value-types.ts", "value"],
  enumeration: ["value-types.ts", "value"],
  option: ["value-types.ts", "value"],
  result: ["value-types.ts", "value"],
  Result: ["value-types.ts", "type"],
  Option: ["value-types.ts", "type"],
  ValueKind: ["value-types.ts", "type"],
  LowerContext: ["value-types.ts", "type"],
  ValueType: ["value-types.ts", "type"],
  ValueTypeOf: ["value-types.ts", "type"],
  Contextual: ["value-types.ts", "type"],
  FixedList: ["value-types.ts", "type"],
  OptionOf: ["value-types.ts", "type"],
  OptionType: ["value-types.ts", "type"],
  RecordFields: ["value-types.ts", "type"],
  TupleOf: ["value-types.ts", "type"],
  VariantCases: ["value-types.ts", "type"],
  TypedArray: ["value-types.ts", "type"],
  ResultType: ["value-types.ts", "type"],
  // shared between runtime files, not meant for generated code
  mismatch: ["value-types.ts", "value"],
  isObject: ["value-types.ts", "value"],
  isDetached: ["value-types.ts", "value"],
  detachedMessage: ["value-types.ts", "value"],
  isResultType: ["value-types.ts", "value"],
  undoGifts: ["value-types.ts", "value"],
  // instance-core.ts
  createInstanceCore: ["instance-core.ts", "value"],
  startInstance: ["instance-core.ts", "value"],
  createWorldInstance: ["instance-core.ts", "value"],
  wasiImport: ["instance-core.ts", "value"],
  GetCoreModule: ["instance-core.ts", "type"],
  ComponentModule: ["instance-core.ts", "type"],
  InstanceOptions: ["instance-core.ts", "type"],
  InstanceDefaults: ["instance-core.ts", "type"],
  InstanceCore: ["instance-core.ts", "type"],
  capturedCoreInstances: ["instance-core.ts", "value"],
  InstanceControls: ["instance-core.ts", "type"],
  // shared between runtime files, not meant for generated code
  ignore: ["instance-core.ts", "value"],
  coreOf: ["instance-core.ts", "value"],
  trapEverything: ["instance-core.ts", "value"],
  noLoans: ["instance-core.ts", "value"],
  noMoves: ["instance-core.ts", "value"],
  Core: ["instance-core.ts", "value"],
  HostBridge: ["instance-core.ts", "type"],
  // jco-module.ts, shared between runtime files, not meant for generated code
  isComponentError: ["jco-module.ts", "value"],
  coreModuleNames: ["jco-module.ts", "value"],
  invokeAt: ["jco-module.ts", "value"],
  // guest-resources.ts
  guestResource: ["guest-resources.ts", "value"],
  hostResource: ["guest-resources.ts", "value"],
  own: ["guest-resources.ts", "value"],
  borrow: ["guest-resources.ts", "value"],
  GuestResource: ["guest-resources.ts", "value"],
  GuestResourceType: ["guest-resources.ts", "type"],
  HostResourceType: ["guest-resources.ts", "type"],
  ResourceDescriptor: ["guest-resources.ts", "type"],
  GuestResourceClass: ["guest-resources.ts", "type"],
  // shared between runtime files, not meant for generated code
  internalsOf: ["guest-resources.ts", "value"],
  liveGuestRaw: ["guest-resources.ts", "value"],
  liftReceiving: ["guest-resources.ts", "value"],
  GuestState: ["guest-resources.ts", "type"],
  GuestInternals: ["guest-resources.ts", "type"],
  // export-calls.ts
  exportSpec: ["export-calls.ts", "value"],
  exportTable: ["export-calls.ts", "value"],
  ExportEntry: ["export-calls.ts", "type"],
  ExportSpecOf: ["export-calls.ts", "type"],
  Settled: ["export-calls.ts", "type"],
  callExport: ["export-calls.ts", "value"],
  callMethod: ["export-calls.ts", "value"],
  ExportSpec: ["export-calls.ts", "type"],
  // import-adapters.ts
  importSpec: ["import-adapters.ts", "value"],
  importTable: ["import-adapters.ts", "value"],
  ImportEntry: ["import-adapters.ts", "type"],
  adaptImport: ["import-adapters.ts", "value"],
  hostImports: ["import-adapters.ts", "value"],
  hostResourceClass: ["import-adapters.ts", "value"],
  HostResourceMembers: ["import-adapters.ts", "type"],
  ImportSpec: ["import-adapters.ts", "type"],
  ImportCall: ["import-adapters.ts", "type"],
  // shared between runtime files, not meant for generated code
  AdapterRecord: ["import-adapters.ts", "type"],
  // wasi.ts
  createWasiHost: ["wasi.ts", "value"],
  WasiExitError: ["wasi.ts", "value"],
  takesRawBorrows: ["wasi.ts", "value"],
  wasiCapabilityNames: ["wasi.ts", "value"],
  WasiCapabilities: ["wasi.ts", "type"],
  WasiFiles: ["wasi.ts", "type"],
  WasiHost: ["wasi.ts", "type"],
  WasiInput: ["wasi.ts", "type"],
  WasiNetwork: ["wasi.ts", "type"],
  WasiOptions: ["wasi.ts", "type"],
  WasiOutput: ["wasi.ts", "type"],
  WasiPreopen: ["wasi.ts", "type"],
  WasiShimLoader: ["wasi.ts", "type"],
  WasiShimLoaders: ["wasi.ts", "type"],
  // isolate-errors.ts
  CallTimeoutError: ["isolate-errors.ts", "value"],
  MemoryLimitError: ["isolate-errors.ts", "value"],
  // isolate-options.ts
  IsolateOptions: ["isolate-options.ts", "type"],
  // canonical-memory.ts
  CanonicalTrap: ["canonical-memory.ts", "value"],
  GuestMemory: ["canonical-memory.ts", "value"],
  StringEncoding: ["canonical-memory.ts", "type"],
  CoreFunction: ["canonical-memory.ts", "type"],
  CoreMemory: ["canonical-memory.ts", "type"],
  withoutLeaving: ["canonical-memory.ts", "value"],
  leavingForbidden: ["canonical-memory.ts", "value"],
  // canonical-abi.ts
  codecOf: ["canonical-abi.ts", "value"],
  AbiType: ["canonical-abi.ts", "type"],
  Codec: ["canonical-abi.ts", "type"],
  FlatCursor: ["canonical-abi.ts", "type"],
  FlatType: ["canonical-abi.ts", "type"],
  // direct-calls.ts
  CoreExportRef: ["direct-calls.ts", "type"],
  directSpec: ["direct-calls.ts", "value"],
  callDirect: ["direct-calls.ts", "value"],
  callDirectSync: ["direct-calls.ts", "value"],
  InstanceBusyError: ["direct-calls.ts", "value"],
  DirectSpec: ["direct-calls.ts", "type"],
  DirectTarget: ["direct-calls.ts", "type"],
  // direct-imports.ts
  DirectImport: ["direct-imports.ts", "type"],
  substituteImports: ["direct-imports.ts", "value"],
  JcoImport: ["direct-imports.ts", "type"],
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
export const runtimeSymbols: readonly RuntimeSymbol[] = Object.entries(table).map(
  ([name, [file, kind]]) => Object.freeze({ name: name as RuntimeSymbolName, file, kind }),
);

const byName = new Map<string, RuntimeSymbol>(
  runtimeSymbols.map((symbol) => [symbol.name, symbol]),
);

/** Looks a symbol up; throws for a name generated code may not import (a generator bug). */
export function runtimeSymbol(name: RuntimeSymbolName): RuntimeSymbol {
  const symbol = byName.get(name);
  if (symbol === undefined) throw new Error(`\`${name}\` is not a runtime symbol`);
  return symbol;
}

/**
 * The runtime symbols an app names, re-exported by every SDK's `index.ts` so that apps import from one place:
 * the error classes, the borrow and resource-table types that generated signatures mention, `Result` and
 * `Option`, the leak report and the component module types of `InstantiateOptions`. The rest of the table is
 * the SDK's plumbing.
 */
export const publicRuntimeSymbols: readonly RuntimeSymbolName[] = [
  "WitTsError",
  "TrapError",
  "InstancePoisonedError",
  "InstanceDisposedError",
  "ReentranceError",
  "ResultError",
  "BorrowExpiredError",
  "BorrowsRemainError",
  "ResourceLentError",
  "NotLentError",
  "ResourceDisposedError",
  "StaleHandleError",
  "InvalidHandleError",
  "WrongTypeError",
  "HasChildrenError",
  "TableFullError",
  "WitTsErrorName",
  "BorrowEndReason",
  "Handle",
  "LeakReport",
  "Borrowed",
  "BorrowHandle",
  "ResourceTableView",
  "HostResourcesBase",
  "Result",
  "Option",
  "Future",
  "Stream",
  "ErrorContext",
  "ComponentModule",
  "GetCoreModule",
  "CallTimeoutError",
  "MemoryLimitError",
  "IsolateOptions",
  "WasiExitError",
];
