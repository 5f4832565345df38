/**
 * The console's own settings, parsed with zod: who may act (the Keystone roles that make a user an
 * operator; the configured operator credential) and how long a login lasts. `stackmend serve` reads
 * them from the environment (consoleConfigFromEnv); a deployed web action gets them as its `console`
 * parameter.
 */
import * as z from 'zod';
import { ConfigError } from '../core/domain/errors';

export const ConsoleConfigSchema = z.object({
  /** A shared operator credential (STACKMEND_CONSOLE_TOKEN): whoever holds it may act. At least 16 characters. */
  operator_token: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  /** Keystone users holding one of these roles may act; every other Keystone user sees, read-only. */
  operator_roles: z.array(z.string().min(1)).min(1).default(['admin']),
  session_ttl_sec: z
    .number()
    .int()
    .positive()
    .default(8 * 3600),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;

export function parseConsoleConfig(raw: unknown): ConsoleConfig {
  const r = ConsoleConfigSchema.safeParse(raw ?? {});
  if (!r.success)
    throw new ConfigError(
      `console settings are invalid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** STACKMEND_CONSOLE_TOKEN, STACKMEND_CONSOLE_OPERATOR_ROLES (comma-separated). */
export function consoleConfigFromEnv(env: Record<string, string | undefined> = process.env): ConsoleConfig {
  const roles = env.STACKMEND_CONSOLE_OPERATOR_ROLES?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return parseConsoleConfig({
    ...(env.STACKMEND_CONSOLE_TOKEN ? { operator_token: env.STACKMEND_CONSOLE_TOKEN } : {}),
    ...(roles?.length ? { operator_roles: roles } : {}),
  });
}
