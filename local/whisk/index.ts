/**
 * The local OpenWhisk-compatible runtime.
 *
 *   const whisk = await startLocalWhisk({ port: 0, log: (line) => console.log(JSON.stringify(line)) });
 *   whisk.registerAction('stackmend/notify', { main, annotations: { 'web-export': true } });
 *   await whisk.invoke('stackmend/notify', { incident: … });   // → ActivationRecord
 *   // or deploy bundles into it: OW_APIHOST=whisk.url OW_AUTH=whisk.auth OW_NAMESPACE=whisk.namespace osls deploy
 *   await whisk.close();
 */
export { startLocalWhisk } from './server';
export { DEFAULT_AUTH, type LocalWhisk, type LocalWhiskOptions, type ActionDefinition } from './options';
export type { ActivationRecord, LogLine, LogSink } from './types';
export { ActivationStatus } from './types';
export { pathOf } from './activations';
