/**
 * The controls API: maintenance on/off for a host, a host aggregate, a stack or everything; the stored
 * dry run; pause and resume of automation, for everything, a host or an aggregate
 * (functions/_shared/controls.ts; classify-alarm reads them at its next decision). Each change is in the
 * audit log with who made it.
 */
import * as z from 'zod';
import { Controls, EVERYTHING } from '../../functions/_shared/controls';
import { json, parseBody, type ConsoleReply } from './http';
import { actor, type ApiContext } from './ports';

const Host = z.string().regex(/^host:[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, { message: 'a host is host:<name>' });
/** Nova's aggregate names are free text up to 255 characters; a colon-free, printable one is asked for here. */
const Aggregate = z
  .string()
  .regex(/^aggregate:[A-Za-z0-9_.-][A-Za-z0-9 _.-]{0,254}$/, { message: 'an aggregate is aggregate:<name>' });
/** `host:compute1`, `aggregate:<name>`, `stack:<id>` (the root stack's id, as classify-alarm finds it), or `all`. */
const Subject = z.union([
  z.literal(EVERYTHING),
  Host,
  Aggregate,
  z.string().regex(/^stack:[0-9a-f-]{36}$/, { message: 'a stack is stack:<root stack id>' }),
]);

export const ControlChangeSchema = z.discriminatedUnion('control', [
  z.object({ control: z.literal('maintenance'), subject: Subject, on: z.boolean() }),
  z.object({ control: z.literal('dry-run'), on: z.boolean() }),
  z.object({
    control: z.literal('pause'),
    subject: z.union([z.literal(EVERYTHING), Host, Aggregate]).optional(),
    on: z.boolean(),
  }),
]);
const subjectOf = (c: z.infer<typeof ControlChangeSchema>) =>
  c.control === 'dry-run' ? EVERYTHING : (c.subject ?? EVERYTHING);

const controlsOf = (ctx: ApiContext) => new Controls(ctx.ports.deps.store, ctx.ports.deps.now);

export async function showControls(ctx: ApiContext): Promise<ConsoleReply> {
  return json(200, await controlsOf(ctx).state());
}

export async function changeControl(ctx: ApiContext): Promise<ConsoleReply> {
  const c = parseBody(ctx.req, ControlChangeSchema, 'control change');
  const controls = controlsOf(ctx);
  const audit = await controls.set(c.control, c.on, actor(ctx), subjectOf(c));
  return json(200, { audit, controls: await controls.state() });
}
