/**
 * The steps, loaded from the modules the registry names (STEPS in core/domain/pipeline.ts): the one
 * list the CLI, the local runtime and the tests share.
 */
import * as path from 'node:path';
import { STEP_NAMES, STEPS, type StepName } from '../core/domain/pipeline';
import type { Step } from '../functions/_shared/step';

export { RECONCILING } from '../core/domain/pipeline';

const ROOT = path.join(__dirname, '..');

function load(name: StepName): Step {
  const { step } = require(path.join(ROOT, STEPS[name].handler)) as { step?: Step };
  if (step?.name !== name)
    throw new Error(`${STEPS[name].handler} must export the step "${name}" as \`step\` (core/domain/pipeline.ts)`);
  return step;
}

export const STEP_MODULES = Object.fromEntries(STEP_NAMES.map((n) => [n, load(n)])) as Record<StepName, Step>;
