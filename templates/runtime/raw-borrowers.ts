/**
 * Runtime, the shim's calling convention: which host objects are `@bytecodealliance/preview2-shim`'s own. The
 * shim's implementations read the private fields of the resources they are given, so an import adapter hands
 * them the resources themselves where it would give a host's handlers `BorrowHandle`s or views. Consumes the
 * shim's packages as `wasi.ts` loads them; produces the check `import-adapters.ts` makes per call. Kept apart
 * from `wasi.ts` so that an SDK without WASI imports carries none of the WASI host.
 */

/**
 * The shim's interface objects, resource classes and their prototypes. The shim's implementations read the
 * private fields of the resources they are given (`startConnect(network)`), so the SDK hands them the
 * resources themselves where it gives a host's handlers `BorrowHandle`s or views; see {@link takesRawBorrows}.
 */
const rawBorrowers = new WeakSet<object>();

/** Registers the interfaces of one WASI package and the classes they hold; returns the package. */
export function markRawBorrowers(pkg: object): object {
  for (const iface of Object.values(pkg) as unknown[]) {
    if (typeof iface !== "object" || iface === null) continue;
    rawBorrowers.add(iface);
    for (const member of Object.values(iface) as unknown[]) {
      const prototype =
        typeof member === "function"
          ? (member as { readonly prototype?: unknown }).prototype
          : undefined;
      if (typeof prototype === "object" && prototype !== null) {
        rawBorrowers.add(member as object);
        rawBorrowers.add(prototype);
      }
    }
  }
  return pkg;
}

/**
 * Whether a host import's target (an interface object, a resource object, a class) is the shim's: its
 * `borrow<R>` arguments are then passed as the resources themselves, with nothing to drop.
 */
export function takesRawBorrows(target: unknown): boolean {
  if ((typeof target !== "object" && typeof target !== "function") || target === null) return false;
  if (rawBorrowers.has(target)) return true;
  const prototype = Object.getPrototypeOf(target) as unknown;
  return typeof prototype === "object" && prototype !== null && rawBorrowers.has(prototype);
}
