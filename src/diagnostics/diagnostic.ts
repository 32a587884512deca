/**
 * Diagnostics as data. Every user error the front end (and later the
 * generator) finds is a {@link Diagnostic}: a stable code from the catalogue
 * in `codes.ts`, a message in wit-parser's voice (lower case, names in
 * backticks), a primary span, optional related spans and an optional hint.
 * Phases return diagnostics; only bugs throw. Rendering lives in `render.ts`.
 */
import type { DiagnosticCode } from "./codes.js";
import type { Span } from "./source-map.js";

export type Severity = "error" | "warning";

/** A secondary location, such as "first defined here". */
export interface RelatedSpan {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly RelatedSpan[];
  /** Extra lines printed under the message (wit-parser prints such notes before the location). */
  readonly hint?: string;
}

export function error(
  code: DiagnosticCode,
  message: string,
  span: Span,
  extra: { related?: readonly RelatedSpan[]; hint?: string } = {},
): Diagnostic {
  return { code, severity: "error", message, span, ...extra };
}

/**
 * Thrown inside a phase to unwind to its entry point, which catches it and
 * returns the diagnostic as data. Never escapes the public API.
 */
export class DiagnosticAbort extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = "DiagnosticAbort";
  }
}

/** Throws a {@link DiagnosticAbort}; typed `never` so callers read as control flow. */
export function abort(diagnostic: Diagnostic): never {
  throw new DiagnosticAbort(diagnostic);
}
