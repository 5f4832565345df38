/**
 * Glance in memory: images as test/fixtures/openstack/glance-image-show.json records one (properties are
 * top-level keys), seeded with their properties and tags; an unknown image is a 404.
 */
import { ImageSchema, type Image } from '../../../core/openstack/glance';
import type { Images } from '../../../core/openstack/ports';
import type { FakeControl } from './control';
import { errors, recordedBody } from './records';

const GLANCE = 'http://127.0.0.1:9292/v2/images';
const RECORDED = recordedBody('glance-image-show') as Record<string, unknown>;
const RECORDED_PROPERTIES = ['evacuable', 'priority'];

export class FakeImages implements Images {
  private readonly images = new Map<string, Image>();

  constructor(private readonly c: FakeControl) {}

  /** An image with these properties and tags (the recorded image's own properties left out). */
  addImage(id: string, properties: Record<string, string> = {}, tags: string[] = []): Image {
    const base = Object.fromEntries(Object.entries(RECORDED).filter(([k]) => !RECORDED_PROPERTIES.includes(k)));
    const image = ImageSchema.parse({ ...base, ...properties, id, tags, name: `image-${id}` });
    this.images.set(id, image);
    return image;
  }

  getImage(id: string): Promise<Image> {
    return this.c.run('glance.getImage', [id], () => {
      const i = this.images.get(id);
      if (!i) throw errors.notFound({ service: 'glance', method: 'GET', url: `${GLANCE}/${id}` });
      return i;
    });
  }
}
