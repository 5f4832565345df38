/** The five steps, by name: the one list the CLI, the local runtime and the tests share. */
import type { StepName } from '../core/domain/plan';
import { step as classify } from '../functions/classify-alarm';
import { step as evacuate } from '../functions/evacuate';
import { step as markUnhealthy } from '../functions/mark-unhealthy';
import { step as notify } from '../functions/notify';
import { step as stackUpdate } from '../functions/stack-update';
import type { Step } from '../functions/_shared/step';

export const STEP_MODULES: Record<StepName, Step> = {
  'classify-alarm': classify,
  'mark-unhealthy': markUnhealthy,
  'stack-update': stackUpdate,
  evacuate,
  notify,
};
/** Steps with due work (rescheduled checks) that a periodic reconcile must visit. */
export const RECONCILING: StepName[] = ['mark-unhealthy', 'stack-update', 'evacuate'];
