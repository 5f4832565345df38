/**
 * Re-arming after a replacement: a step that changed a stack's servers hands the re-arm on
 * (ArmedServers.requestRearm); the step runtime performs the due re-arms once the step has returned
 * (functions/_shared/step.ts). A re-arm that fails is given back and tried by a later invocation.
 */
import type { Logger } from '../../domain/log';
import type { Cloud } from '../../openstack/cloud';
import { armStack } from './alarms';
import type { ArmedServers } from './armed';
import { liveTarget, type ArmSecrets } from './target';

const RETRY_MS = 60_000;

export async function performDueRearms(d: {
  cloud: () => Cloud;
  armed: ArmedServers;
  now: () => number;
  log: Logger;
  /** The secrets a stored target names (its Basic user, a legacy query token): the runtime's configuration. */
  config: ArmSecrets;
}): Promise<number> {
  const due = await d.armed.takeRearms(d.now());
  for (const rootId of due) {
    try {
      const a = await d.armed.stack(rootId);
      if (a) await armStack(d.cloud(), d.armed, a.stack, liveTarget(a.target, d.config));
    } catch (e) {
      d.log.warn('re-arm failed; retrying later', { stack: rootId, error: e });
      await d.armed.retryLater(rootId, d.now() + RETRY_MS);
    }
  }
  return due.length;
}
