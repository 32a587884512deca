/**
 * Keeps the hidden classes of the front end's per-run objects alive between runs. Consumes one small instance
 * of each class that a parse or a resolution creates afresh (the cursor and its scanner and tables, the package
 * resolvers, the merge's remapper, ...), made when its module loads, and holds it for the life of the process.
 *
 * Why: V8 gives a class's instances a hidden class (a "map") per set of fields, reached from the class's initial
 * map by transitions that it holds only weakly. Once the last instance of a run is garbage, a full collection
 * frees those maps, and with them every optimized function that was specialized for them: the next run in the
 * same process (a `--watch` regeneration, a bundler plugin's rebuild, the bench's warm run) starts again from
 * unoptimized code and compiles about 140 functions anew. One live instance per class keeps its maps, and so the
 * optimized code, valid.
 */

const anchors: object[] = [];

/** Holds `instance` for the life of the process (see the file's header); returns it. */
export function anchorShape<T extends object>(instance: T): T {
  anchors.push(instance);
  return instance;
}
