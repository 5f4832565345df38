/** Types of ./user-code.cjs. */
export type UserMain = (args: Record<string, unknown>) => unknown;
export interface RunAnswer {
  /** the HTTP status the proxy answers /run with: 200, or 502 for a crash or a non-object result */
  code: number;
  response: unknown;
  /** a synchronous throw: the container refuses further work */
  fatal?: boolean;
}
/** Throws an Error (or a string) saying why the action cannot be initialized. */
export function initialize(value: { main: string; code: string; binary?: boolean }): UserMain;
export function run(main: UserMain, args: Record<string, unknown>): Promise<RunAnswer>;
