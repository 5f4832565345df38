/** The page's calls to the console API (/ui/api, console/api/routes.ts): JSON in, JSON out, errors as text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/ui/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const value = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, (value as { message?: string }).message ?? `HTTP ${res.status}`);
  return value as T;
}

export type Me = { who: { via: string; name: string } | null; roles?: string[]; operator?: boolean };
