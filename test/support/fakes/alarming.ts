/**
 * Aodh in memory: the event alarms `stackmend arm` manages, shaped as
 * test/fixtures/openstack/aodh-alarm-create-event.json (Aodh stores `zaqar://` as `zaqar:`).
 */
import { AlarmSchema, type Alarm, type EventAlarmCreate } from '../../../core/openstack/aodh';
import type { Alarming } from '../../../core/openstack/ports';
import type { FakeControl } from './control';
import { errors, recordedBody } from './records';

const RECORDED = recordedBody('aodh-alarm-create-event');

export class FakeAlarming implements Alarming {
  readonly alarms = new Map<string, Alarm>();
  private seq = 0;

  constructor(private readonly c: FakeControl) {}

  createEventAlarm(a: EventAlarmCreate): Promise<Alarm> {
    return this.c.run('aodh.createEventAlarm', [a], () => {
      const alarm = AlarmSchema.parse({
        ...RECORDED,
        alarm_id: `00000000-0000-4000-c000-${String(++this.seq).padStart(12, '0')}`,
        name: a.name,
        description: a.description ?? null,
        severity: a.severity ?? 'critical',
        repeat_actions: a.repeatActions ?? false,
        alarm_actions: a.actions.map((x) => x.replace(/^([a-z+]+):\/\//, '$1:')),
        event_rule: { event_type: a.eventType, query: a.query },
        timestamp: this.c.iso().replace('Z', ''),
      });
      this.alarms.set(alarm.alarm_id, alarm);
      return alarm;
    });
  }

  listAlarms(namePrefix?: string): Promise<Alarm[]> {
    return this.c.run('aodh.listAlarms', [namePrefix], () =>
      [...this.alarms.values()].filter((a) => !namePrefix || a.name.startsWith(namePrefix)),
    );
  }

  deleteAlarm(id: string): Promise<void> {
    return this.c.run('aodh.deleteAlarm', [id], () => {
      if (!this.alarms.delete(id))
        throw errors.notFound({ service: 'aodh', method: 'DELETE', url: `http://127.0.0.1:8042/v2/alarms/${id}` });
    });
  }
}
