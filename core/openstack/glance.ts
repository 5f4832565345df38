/** Glance v2: the image lookups stackmend makes (an image's properties for evacuation; the lab's boot image). */
import * as z from 'zod';
import type { ServiceHttp } from './http';

/** Glance's own fields of an image (v2 image schema); every other top-level string is a property. */
const CORE_FIELDS = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'os_hidden',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'owner',
  'size',
  'virtual_size',
  'min_ram',
  'min_disk',
  'disk_format',
  'container_format',
  'created_at',
  'updated_at',
  'tags',
  'self',
  'file',
  'schema',
  'direct_url',
  'locations',
]);

/** Recorded: test/fixtures/openstack/glance-image-show.json (properties are top-level keys in v2). */
export const ImageSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  tags: z.array(z.string()).default([]),
});
export type Image = z.infer<typeof ImageSchema>;

/** The image's properties: its top-level string values that are not Glance's own fields. */
export const imageProperties = (i: Image): Record<string, string> =>
  Object.fromEntries(
    Object.entries(i).filter((e): e is [string, string] => !CORE_FIELDS.has(e[0]) && typeof e[1] === 'string'),
  );

export class GlanceClient {
  constructor(private readonly http: ServiceHttp) {}

  async getImage(id: string): Promise<Image> {
    const res = await this.http.get<unknown>(`v2/images/${encodeURIComponent(id)}`);
    return ImageSchema.parse(res.data);
  }

  async findImage(name: string): Promise<Image | undefined> {
    const res = await this.http.get<{ images: unknown[] }>('v2/images', { query: { name } });
    return z.array(ImageSchema).parse(res.data.images)[0];
  }
}
