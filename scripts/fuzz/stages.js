/**
 * The pipeline stages a fuzz case runs through, each checking its own
 * contract. A stage is `{ name, run(value, c) }`: the first gets the case's
 * input (`{ files, root }` in memory, or `{ path }` on disk, plus options),
 * each later one the value the stage before returned. A broken contract
 * throws, like any bug; user errors are outcomes.
 *
 * Stages take the modules they drive as arguments, so the command line can
 * pass `dist/` and the tests `src/`. The front end runs now; the generator's
 * stage is appended when `codegen/generate` exists (see `scripts/fuzz.js`).
 */

/** Checks a contract of the code under test; a failure is a bug, reported like an exception. */
function invariant(ok, message) {
  if (!ok) throw new Error(`invariant broken: ${message}`);
}

const CODE = /^[A-Z]{3}[0-9]{4}$/;

/** Every diagnostic has a catalogued code, a message and a span inside the source map (or the unknown span). */
function checkDiagnostic(d, sources, render) {
  invariant(
    typeof d.code === "string" && CODE.test(d.code),
    `diagnostic code ${JSON.stringify(d.code)}`,
  );
  invariant(d.code !== "WIT0000", `internal error reported as a diagnostic: ${d.message}`);
  invariant(
    typeof d.message === "string" && d.message.length > 0,
    `diagnostic ${d.code} has no message`,
  );
  checkSpan(d.span, sources, d.code);
  for (const r of d.related ?? []) checkSpan(r.span, sources, `${d.code} (related)`);
  const text = render(d, sources);
  invariant(typeof text === "string", `renderDiagnostic returned ${typeof text}`);
  invariant(
    text.startsWith(`${d.severity}[${d.code}]: ${d.message}`),
    `rendered ${d.code} does not start with its head`,
  );
}

function checkSpan(s, sources, what) {
  invariant(s !== null && typeof s === "object", `${what}: no span`);
  invariant(
    Number.isInteger(s.start) && Number.isInteger(s.end),
    `${what}: span ${JSON.stringify(s)}`,
  );
  if (s.start < 0) return;
  const f = sources.fileAt(s.start);
  invariant(f !== undefined, `${what}: span start ${s.start} is in no file`);
  // A one-character span at end of file ("found eof") may cover the one-offset gap the source map keeps after each file.
  invariant(
    s.end >= s.start && s.end <= f.base + f.text.length + 1,
    `${what}: span ${s.start}..${s.end} leaves ${f.path}`,
  );
}

/**
 * Resolve, render every diagnostic, and on success convert to wit-parser's
 * JSON. Outcome `ok` (a model, no errors) or `error` (no model, at least one
 * diagnostic); anything else breaks the contract.
 */
export function createFrontEndStage({ resolveFiles, resolvePath, renderDiagnostic, toJson }) {
  return {
    name: "front-end",
    run(input, c) {
      const r =
        input.path !== undefined
          ? resolvePath(input.path, input.options)
          : resolveFiles(input.files, input.root, input.options);
      invariant(
        Array.isArray(r.diagnostics) && Array.isArray(r.packageIds),
        "result without diagnostics or packageIds",
      );
      for (const d of r.diagnostics) checkDiagnostic(d, r.sources, renderDiagnostic);
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      if (r.resolve === undefined) {
        invariant(errors.length > 0, "no model and no error diagnostic");
        return { outcome: "error", codes: errors.map((d) => d.code), resolve: undefined };
      }
      invariant(errors.length === 0, `a model and errors: ${errors.map((d) => d.code).join(", ")}`);
      for (const id of r.packageIds)
        invariant(id >= 0 && id < r.resolve.packages.length, `package id ${id} out of range`);
      const text = JSON.stringify(toJson(r.resolve));
      const json = JSON.parse(text);
      invariant(
        json.packages.length === r.resolve.packages.length,
        "JSON and model disagree on the package count",
      );
      if (c?.metamorphic && input.files !== undefined) {
        // The source map eats a BOM and folds CRLF, so neither may change the model (docs included).
        // (Only one BOM is eaten: a file that has one already keeps just that.)
        // Wasm binaries and WebAssembly text (what load.ts detects as such) are left as they are: that text is not
        // WIT, and a BOM in front of it makes it WIT to wit-parser too (so the case rightly fails).
        const wasm = (t) => t.startsWith("\0asm") || /^\s*(\(|;;)/.test(t);
        const bom = (t) => (t.startsWith("\ufeff") ? t : `\ufeff${t}`);
        const variant = new Map(
          [...input.files].map(([p, t]) => [p, wasm(t) ? t : bom(t.replace(/\r?\n/g, "\r\n"))]),
        );
        const v = resolveFiles(variant, input.root, input.options);
        invariant(
          v.resolve !== undefined,
          `BOM + CRLF made a valid case fail: ${v.diagnostics[0]?.message}`,
        );
        invariant(
          JSON.stringify(toJson(v.resolve)) === text,
          "BOM + CRLF changed the model's JSON",
        );
      }
      return {
        outcome: "ok",
        codes: [],
        resolve: r.resolve,
        packageIds: r.packageIds,
        sources: r.sources,
      };
    },
  };
}

/**
 * Generation: for a resolved case, select the world
 * as the CLI does, then generate every world of the main packages (at most
 * four). A world that cannot be selected must come back as a diagnostic.
 */
export function createGenerateStage({ generate, selectWorld, renderDiagnostic }) {
  return {
    name: "generate",
    run(value) {
      if (value.resolve === undefined) return value;
      const { resolve, packageIds, sources } = value;
      const selected = selectWorld(resolve, packageIds, undefined);
      if (typeof selected !== "number") {
        invariant(
          selected && typeof selected.code === "string",
          "selectWorld returned neither a world nor a diagnostic",
        );
        checkDiagnostic(selected, sources, renderDiagnostic);
      }
      const worlds = [];
      for (const pid of packageIds)
        for (const wid of resolve.packages[pid].worlds.values()) worlds.push(wid);
      for (const wid of worlds.slice(0, 4)) {
        const files = generate(resolve, wid, { input: "fuzz.wit", version: "0.0.0-fuzz" });
        invariant(Array.isArray(files), "generate returned no file list");
        invariant(files.length > 0, "generate returned no files");
        for (const f of files) {
          invariant(
            typeof f.path === "string" && f.path.length > 0,
            "generated file without a path",
          );
          invariant(
            typeof f.content === "string" || f.content instanceof Uint8Array,
            `generated ${f.path} has no content`,
          );
        }
      }
      return value;
    },
  };
}
