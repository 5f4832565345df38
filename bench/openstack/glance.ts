/** Glance: only the image lookup the demo and the tests need to boot servers. */
import * as z from 'zod';
import type { ServiceHttp } from '../../core/openstack/http';

const ImageSchema = z.looseObject({ id: z.string(), name: z.string().nullish(), status: z.string() });
export type Image = z.infer<typeof ImageSchema>;

export class GlanceClient {
  constructor(private readonly http: ServiceHttp) {}

  async findImage(name: string): Promise<Image | undefined> {
    const res = await this.http.get<{ images: unknown[] }>('v2/images', { query: { name } });
    return z.array(ImageSchema).parse(res.data.images)[0];
  }
}
