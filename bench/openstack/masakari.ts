/** Masakari (instance HA, the baseline stackmend is compared against): segments, hosts, notifications. */
import * as z from 'zod';
import type { ServiceHttp } from '../../core/openstack/http';

/** Recorded: test/fixtures/openstack/masakari-segment-create.json */
export const SegmentSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  recovery_method: z.string(),
  service_type: z.string(),
});
/** Recorded: test/fixtures/openstack/masakari-host-create-compute1.json */
export const HostSchema = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  on_maintenance: z.boolean(),
  reserved: z.boolean(),
  failover_segment_id: z.string(),
});
/** Recorded: test/fixtures/openstack/masakari-run1-notification-create.json */
export const NotificationSchema = z.looseObject({
  notification_uuid: z.string(),
  type: z.string(),
  status: z.string(),
  generated_time: z.string(),
  payload: z.record(z.string(), z.unknown()),
});
export type Segment = z.infer<typeof SegmentSchema>;
export type MasakariHost = z.infer<typeof HostSchema>;
export type MasakariNotification = z.infer<typeof NotificationSchema>;

export const MASAKARI_HEADERS = { 'OpenStack-API-Version': 'instance-ha 1.0' };

export class MasakariClient {
  constructor(private readonly http: ServiceHttp) {}

  async listSegments(): Promise<Segment[]> {
    const res = await this.http.get<{ segments: unknown[] }>('segments');
    return z.array(SegmentSchema).parse(res.data.segments);
  }

  async createSegment(name: string, description = ''): Promise<Segment> {
    const res = await this.http.post<{ segment: unknown }>('segments', {
      segment: { name, recovery_method: 'auto', service_type: 'COMPUTE', description },
    });
    return SegmentSchema.parse(res.data.segment);
  }

  async deleteSegment(uuid: string): Promise<void> {
    await this.http.delete(`segments/${uuid}`);
  }

  async listHosts(segment: string): Promise<MasakariHost[]> {
    const res = await this.http.get<{ hosts: unknown[] }>(`segments/${segment}/hosts`);
    return z.array(HostSchema).parse(res.data.hosts);
  }

  async addHost(segment: string, name: string): Promise<MasakariHost> {
    const res = await this.http.post<{ host: unknown }>(`segments/${segment}/hosts`, {
      host: { name, type: 'COMPUTE', control_attributes: 'SSH', reserved: false, on_maintenance: false },
    });
    return HostSchema.parse(res.data.host);
  }

  async setMaintenance(segment: string, host: string, on: boolean): Promise<void> {
    await this.http.put(`segments/${segment}/hosts/${host}`, { host: { on_maintenance: on } });
  }

  /** 202 accepted; 409 when the host is on maintenance or the same notification came within the detection interval. */
  async notify(n: {
    type: string;
    hostname: string;
    generated_time: string;
    payload: Record<string, unknown>;
  }): Promise<MasakariNotification> {
    const res = await this.http.post<{ notification: unknown }>('notifications', { notification: n });
    return NotificationSchema.parse(res.data.notification);
  }

  async getNotification(uuid: string): Promise<MasakariNotification> {
    const res = await this.http.get<{ notification: unknown }>(`notifications/${uuid}`);
    return NotificationSchema.parse(res.data.notification);
  }
}
