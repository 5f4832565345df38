/** notify: placeholder entry until the use case lands (OpenWhisk `main`, Lambda `handler`). */
export async function main(params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return { statusCode: 501, body: { error: 'notify is not implemented yet', received: Object.keys(params) } };
}
export const handler = async (event: unknown) => main({ event } as Record<string, unknown>);
