/** Aodh v2 event alarms: create, list, delete. */
import * as z from 'zod';
import type { ServiceHttp } from './http';
import type { Alarming } from './ports';

export type EventQuery = {
  field: string;
  op: 'eq' | 'ne';
  type: 'string' | 'integer' | 'float' | 'boolean';
  value: string;
};

/** Recorded request: test/fixtures/openstack/aodh-alarm-create-event.json */
export type EventAlarmCreate = {
  name: string;
  description?: string;
  severity?: 'low' | 'moderate' | 'critical';
  eventType: string;
  query: EventQuery[];
  actions: string[];
  repeatActions?: boolean;
};

/** Recorded response: test/fixtures/openstack/aodh-alarm-create-event.json */
export const AlarmSchema = z.looseObject({
  alarm_id: z.string(),
  name: z.string(),
  type: z.string(),
  state: z.string(),
  enabled: z.boolean(),
  alarm_actions: z.array(z.string()).default([]),
  project_id: z.string().optional(),
  description: z.string().nullish(),
  event_rule: z
    .looseObject({ event_type: z.string(), query: z.array(z.looseObject({ field: z.string(), value: z.string() })) })
    .optional(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

export class AodhClient implements Alarming {
  constructor(private readonly http: ServiceHttp) {}

  async createEventAlarm(a: EventAlarmCreate): Promise<Alarm> {
    const res = await this.http.post<unknown>('v2/alarms', {
      name: a.name,
      description: a.description,
      type: 'event',
      severity: a.severity ?? 'critical',
      repeat_actions: a.repeatActions ?? false,
      event_rule: { event_type: a.eventType, query: a.query },
      alarm_actions: a.actions,
    });
    return AlarmSchema.parse(res.data);
  }

  /** Alarms, optionally those whose name starts with a prefix (filtered here: Aodh's q= has no prefix op). */
  async listAlarms(namePrefix?: string): Promise<Alarm[]> {
    const res = await this.http.get<unknown[]>('v2/alarms');
    const all = z.array(AlarmSchema).parse(res.data);
    return namePrefix ? all.filter((a) => a.name.startsWith(namePrefix)) : all;
  }

  async deleteAlarm(id: string): Promise<void> {
    await this.http.delete(`v2/alarms/${encodeURIComponent(id)}`);
  }
}
