// One way to call the backend: every command result is unwrapped here, so a view never
// forgets to report an error, and every failure reaches the caller as a CommandFailure.
import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings";
import { toast } from "./toasts.svelte";

/** What every generated command resolves to (tauri-specta's `typedError`). */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

/** A command refused or failed; `code` is the stable machine word, `detail` the sentence for people. */
export class CommandFailure extends Error {
  readonly code: string;
  readonly detail: string;
  constructor(code: string, detail: string) {
    super(detail);
    this.name = "CommandFailure";
    this.code = code;
    this.detail = detail;
  }
}

export type CallOptions = {
  /** Do not toast the error (the caller shows it in place, e.g. under a form field). */
  quiet?: boolean;
};

function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "detail" in e;
}

// Anything thrown by invoke itself (an Error, a bare string from a panic or a missing
// command) becomes a CommandFailure too, so callers handle one type.
function failure(e: unknown): CommandFailure {
  if (e instanceof CommandFailure) return e;
  if (isCommandError(e)) return new CommandFailure(e.code, e.detail);
  if (e instanceof Error) return new CommandFailure("internal", e.message);
  return new CommandFailure("internal", String(e));
}

function report(f: CommandFailure, opts?: CallOptions): never {
  if (!opts?.quiet) toast(f.detail, { error: true });
  throw f;
}

/** Unwraps a generated command's Result: `const info = await call(commands.appInfo())`. */
export async function call<T>(p: Promise<Result<T, CommandError>>, opts?: CallOptions): Promise<T> {
  let r: Result<T, CommandError>;
  try {
    r = await p;
  } catch (e) {
    return report(failure(e), opts);
  }
  if (r.status === "ok") return r.data;
  return report(failure(r.error), opts);
}

/**
 * Calls a command that takes a raw binary body (photos, signatures) without base64.
 * Header values must be ASCII, so every value is sent percent-encoded (encodeURIComponent);
 * the Rust side percent-decodes them.
 */
export async function raw<T>(
  cmd: string,
  bytes: Uint8Array,
  headers: Record<string, string>,
  opts?: CallOptions,
): Promise<T> {
  const encoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) encoded[k] = encodeURIComponent(v);
  try {
    return await invoke<T>(cmd, bytes, { headers: encoded });
  } catch (e) {
    return report(failure(e), opts);
  }
}
