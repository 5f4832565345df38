/** Glance: the product's client (core/openstack/glance.ts); the demo and the tests boot servers from its images. */
export { GlanceClient, type Image } from '../../core/openstack/glance';
