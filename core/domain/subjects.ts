/**
 * The names an operator's control may be about (functions/_shared/controls.ts keys them `host:<name>`,
 * `aggregate:<name>`, `stack:<root stack id>`): what the console's API accepts (console/api/controls.ts)
 * and what its page checks before it sends (console/ui/controls.ts). Pure.
 */

/** A compute host as Nova names it. */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/;
/** Nova's aggregate names are free text up to 255 characters; a colon-free, printable one is asked for. */
export const AGGREGATE_NAME = /^[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,254}$/;
/** A Heat stack id (a UUID, as Heat lists it). */
export const STACK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * A Heat stack name: an ASCII letter, then letters, digits, `_`, `.`, `-`, up to 255 in all (Heat API
 * reference, create stack: `stack_name` must match `^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$`).
 */
export const STACK_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,254}$/;

/** An operator's stack (its name or id, as typed) as a control subject, or why it is none. */
export function stackSubject(typed: string): { subject: string } | { error: string } {
  const s = typed.trim();
  if (STACK_ID.test(s) || STACK_NAME.test(s)) return { subject: `stack:${s}` };
  return {
    error: `"${s}" is neither a Heat stack id (a UUID) nor a stack name (a letter, then letters, digits, _ . -)`,
  };
}
