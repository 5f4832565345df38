/** Mistral v2 (the reference workflow engine of the Aodh→Zaqar→Mistral→Heat chain). */
import * as z from 'zod';
import type { ServiceHttp } from '../../core/openstack/http';

/** Recorded: test/fixtures/openstack/mistral-run1-execution-create.json */
export const ExecutionSchema = z.looseObject({
  id: z.string(),
  workflow_name: z.string(),
  state: z.string(),
  state_info: z.string().nullish(),
  output: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
});
export type Execution = z.infer<typeof ExecutionSchema>;
export const isFinal = (state: string) => ['SUCCESS', 'ERROR', 'CANCELLED'].includes(state);

export class MistralClient {
  constructor(private readonly http: ServiceHttp) {}

  /** Uploads (or replaces) workflow definitions. Mistral answers 406 unless the request accepts any type. */
  async putWorkflows(definition: string): Promise<string[]> {
    const headers = { 'Content-Type': 'text/plain', Accept: '*/*' };
    const names = [...definition.matchAll(/^([A-Za-z_][\w-]*):\s*$/gm)].map((m) => m[1]).filter((n) => n !== 'version');
    const existing = await this.http.get<{ workflows: { name: string }[] }>('workflows', { query: { fields: 'name' } });
    const known = new Set(existing.data.workflows.map((w) => w.name));
    const update = names.length > 0 && names.every((n) => known.has(n));
    const res = update
      ? await this.http.put<{ workflows: { name: string }[] }>('workflows', definition, { headers })
      : await this.http.post<{ workflows: { name: string }[] }>('workflows', definition, { headers });
    return res.data.workflows.map((w) => w.name);
  }

  /** `input` travels as a JSON string, as Mistral expects. */
  async startExecution(workflowName: string, input: Record<string, unknown>): Promise<Execution> {
    const res = await this.http.post<unknown>('executions', {
      workflow_name: workflowName,
      input: JSON.stringify(input),
    });
    return ExecutionSchema.parse(res.data);
  }

  async listExecutions(workflowName?: string): Promise<Execution[]> {
    const res = await this.http.get<{ executions: unknown[] }>('executions', {
      query: { workflow_name: workflowName, limit: 1000, sort_keys: 'created_at', sort_dirs: 'desc' },
    });
    return z.array(ExecutionSchema).parse(res.data.executions);
  }

  async getExecution(id: string): Promise<Execution> {
    const res = await this.http.get<unknown>(`executions/${id}`);
    return ExecutionSchema.parse(res.data);
  }
}
