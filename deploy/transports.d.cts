/** Types of ./transports.cjs. */
export type Platform = 'openwhisk' | 'lambda';
export const TRANSPORTS: Record<Platform, string[]>;
/** The stage's transport, or an Error naming it and the ones `platform` offers. */
export function checkTransport(platform: Platform, parameters: unknown, where: string): string;
