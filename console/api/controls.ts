/**
 * The controls API: maintenance on/off for a host, a host aggregate, a stack or everything; the stored
 * dry run; pause and resume of automation, for everything, a host or an aggregate
 * (functions/_shared/controls.ts; classify-alarm reads them at its next decision). Each change is in the
 * audit log with who made it. A stack is kept by its root stack's id (what classify-alarm looks up): a
 * stack named, or turned on by id, is looked up in Heat first, and one Heat does not know changes nothing.
 */
import * as z from 'zod';
import { StackmendError } from '../../core/domain/errors';
import { AGGREGATE_NAME, HOST_NAME, STACK_ID, STACK_NAME } from '../../core/domain/subjects';
import { NotFoundError } from '../../core/openstack/errors';
import { rootStackOf } from '../../core/openstack/heat';
import { Controls, EVERYTHING } from '../../functions/_shared/controls';
import { json, parseBody, type ConsoleReply } from './http';
import { actor, type ApiContext } from './ports';

const named = (prefix: string, name: RegExp, message: string) =>
  z.string().refine((s) => s.startsWith(prefix) && name.test(s.slice(prefix.length)), { message });
const Host = named('host:', HOST_NAME, 'a host is host:<name>');
const Aggregate = named('aggregate:', AGGREGATE_NAME, 'an aggregate is aggregate:<name>');
const Stack = named('stack:', STACK_ID, 'a stack is stack:<stack id> or stack:<stack name>').or(
  named('stack:', STACK_NAME, 'a stack is stack:<stack id> or stack:<stack name>'),
);
/** `host:compute1`, `aggregate:<name>`, `stack:<id or name>`, or `all`. */
const Subject = z.union([z.literal(EVERYTHING), Host, Aggregate, Stack]);

export const ControlChangeSchema = z.discriminatedUnion('control', [
  z.object({ control: z.literal('maintenance'), subject: Subject, on: z.boolean() }),
  z.object({ control: z.literal('dry-run'), on: z.boolean() }),
  z.object({
    control: z.literal('pause'),
    subject: z.union([z.literal(EVERYTHING), Host, Aggregate]).optional(),
    on: z.boolean(),
  }),
]);
export type ControlChange = z.infer<typeof ControlChangeSchema>;

/** The stack an operator named is not one Heat knows, or has no root: nothing was changed. */
export class NoSuchStackError extends StackmendError {
  override readonly status = 404;
}

/**
 * The subject the switch is kept under. A stack's is its root's id, read from Heat; only turning off a
 * stack given by id is not looked up (its stack may be deleted by now).
 */
async function storedSubject(ctx: ApiContext, c: ControlChange): Promise<string> {
  if (c.control === 'dry-run') return EVERYTHING;
  const subject = c.subject ?? EVERYTHING;
  if (!subject.startsWith('stack:')) return subject;
  const ref = subject.slice('stack:'.length);
  if (!c.on && STACK_ID.test(ref)) return subject;
  const root = await rootStackOf(ctx.ports.deps.cloud().heat, ref).catch((e: unknown) => {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  });
  if (!root) throw new NoSuchStackError(`Heat knows no stack ${ref} with a root stack: nothing was changed`);
  return `stack:${root.id}`;
}

const controlsOf = (ctx: ApiContext) => new Controls(ctx.ports.deps.store, ctx.ports.deps.now);

export async function showControls(ctx: ApiContext): Promise<ConsoleReply> {
  return json(200, await controlsOf(ctx).state());
}

export async function changeControl(ctx: ApiContext): Promise<ConsoleReply> {
  const c = parseBody(ctx.req, ControlChangeSchema, 'control change');
  const subject = await storedSubject(ctx, c);
  const controls = controlsOf(ctx);
  const audit = await controls.set(c.control, c.on, actor(ctx), subject);
  return json(200, { audit, controls: await controls.state() });
}
