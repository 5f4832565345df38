/**
 * The local OpenWhisk-compatible runtime.
 *
 *   const whisk = await startLocalWhisk({ port: 0, keyFile: '.stackmend/whisk.key' });  // whisk.auth: a generated key
 *   whisk.registerAction('stackmend/notify', { main, annotations: { 'web-export': true } });
 *   await whisk.invoke('stackmend/notify', { incident: … });   // → ActivationRecord
 *   // or deploy bundles into it: OW_APIHOST=whisk.url OW_AUTH=whisk.auth OW_NAMESPACE=whisk.namespace osls deploy
 *   await whisk.close();
 */
export { startLocalWhisk } from './server';
export { GUEST_AUTH, type LocalWhisk, type LocalWhiskOptions, type ActionDefinition } from './options';
export type { ActivationRecord, LogLine, LogSink } from './types';
export type { HttpReply, WhiskRequest } from './http';
export { ActivationStatus } from './types';
export { pathOf } from './activations';
