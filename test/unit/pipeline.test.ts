/**
 * The pipeline registry (core/domain/pipeline.ts) is complete, and the deployment descriptors
 * agree with it: every action starts at a step, has a status and a "finished" check; every step's
 * module exists and exports that step; serverless.yml and serverless.aws.yml declare exactly the
 * registry's steps, with a trigger for each step that is handed on to and a reconcile for each
 * step that reconciles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  ACTIONS,
  HANDED_ON,
  RECONCILING,
  STEP_NAMES,
  WEB_ACTIONS,
  STEPS,
  verdictSpec,
  type StepName,
} from '../../core/domain/pipeline';
import { INCIDENT_STATUSES, OUTCOMES, VERDICTS } from '../../core/domain/plan';

const root = path.join(__dirname, '..', '..');
const yaml = (file: string) => parseYaml(fs.readFileSync(path.join(root, file), 'utf8'), { logLevel: 'error' });
const sorted = (xs: readonly string[]) => [...xs].sort();
const ACTION_ROWS = Object.entries(ACTIONS);

describe('the pipeline registry', () => {
  it.each(ACTION_ROWS)('gives the %s action a first step, a status, a verdict and a "finished" check', (_, a) => {
    expect(STEP_NAMES).toContain(a.firstStep);
    expect(INCIDENT_STATUSES).toContain(a.status);
    expect(OUTCOMES).toContain(a.outcome);
    expect(VERDICTS).toContain(a.verdict);
    expect(typeof a.finished).toBe('function');
    expect(typeof a.targets).toBe('function');
  });

  it('starts each action from a step that classify-alarm may hand on to', () => {
    for (const [, a] of ACTION_ROWS) expect(STEPS['classify-alarm'].handsOnTo).toContain(a.firstStep);
  });

  it.each([...VERDICTS])('knows what classify-alarm makes of the verdict %s', (v) => {
    const spec = verdictSpec(v);
    expect(INCIDENT_STATUSES).toContain(spec.status);
    expect(OUTCOMES).toContain(spec.outcome);
    if (spec.next) expect(STEPS['classify-alarm'].handsOnTo).toContain(spec.next);
  });

  it.each([...STEP_NAMES])('finds the module of %s, exporting that step and both entry points', async (name) => {
    const mod = await import(path.join(root, STEPS[name].handler));
    expect(mod.step.name).toBe(name);
    expect(typeof mod.main).toBe('function');
    expect(typeof mod.handler).toBe('function');
    for (const next of STEPS[name].handsOnTo) expect(STEP_NAMES).toContain(next);
  });

  it('hands on to every step but the entry point, and reconciles only steps that hand on to themselves', () => {
    expect(sorted(HANDED_ON)).toEqual(sorted(STEP_NAMES.filter((s) => s !== 'classify-alarm')));
    for (const s of RECONCILING) expect(STEPS[s].handsOnTo as readonly StepName[]).toContain(s);
  });
});

describe('the serverless descriptors agree with the registry', () => {
  const ow = yaml('serverless.yml');
  const aws = yaml('serverless.aws.yml');
  type Events = Record<string, any>[];

  it('declare exactly the registry steps, each with its own bundle', () => {
    expect(sorted(Object.keys(ow.functions))).toEqual(sorted([...STEP_NAMES, ...Object.keys(WEB_ACTIONS)]));
    expect(sorted(Object.keys(aws.functions))).toEqual(sorted(STEP_NAMES));
    for (const s of STEP_NAMES) {
      expect(ow.functions[s]).toMatchObject({ name: `stackmend/${s}`, handler: `dist/${s}/index.main` });
      expect(aws.functions[s].handler).toBe(`dist/${s}/index.handler`);
      expect(ow.functions[s].package.patterns).toEqual([`dist/${s}/index.js`]);
      expect(aws.functions[s].package.patterns).toEqual([`dist/${s}/index.js`]);
    }
  });

  it('declare the web actions that are no step on OpenWhisk only, reachable by browsers, with no trigger', () => {
    for (const a of Object.keys(WEB_ACTIONS)) {
      expect(ow.functions[a]).toMatchObject({ name: `stackmend/${a}`, handler: `dist/${a}/index.main` });
      expect(ow.functions[a].package.patterns).toEqual([`dist/${a}/index.js`]);
      expect(ow.functions[a].annotations).toEqual({ 'web-export': true, 'raw-http': true });
      expect(ow.functions[a].events).toBeUndefined();
      expect(aws.functions[a]).toBeUndefined();
    }
  });

  it('bind a hand-off trigger (OpenWhisk) to each step that is handed on to; on AWS it is reached through the due queue', () => {
    for (const s of STEP_NAMES) {
      const owTriggers = ((ow.functions[s].events ?? []) as Events).map((e) => e.trigger?.name);
      const awsEvents = ((aws.functions[s].events ?? []) as Events).flatMap((e) => Object.keys(e));
      const handedOn = HANDED_ON.includes(s);
      expect(owTriggers.includes(`stackmend-${s}`)).toBe(handedOn);
      expect(awsEvents).not.toContain('eventBridge'); // no event bus: README "Known limits"
      if (handedOn) expect(RECONCILING).toContain(s); // the schedule works off what was handed on
    }
    expect(sorted(Object.keys(ow.resources.triggers))).toEqual(
      sorted([...HANDED_ON.map((s) => `stackmend-${s}`), 'stackmend-reconcile']),
    );
  });

  it('give the OpenWhisk key (provide-api-key) exactly to the steps that fire another step’s trigger', () => {
    for (const s of STEP_NAMES) {
      const firesOthers = (STEPS[s].handsOnTo as readonly string[]).some((next) => next !== s);
      expect(ow.functions[s].annotations['provide-api-key'] === true).toBe(firesOthers);
    }
  });

  it('visit exactly the reconciling steps periodically', () => {
    for (const s of STEP_NAMES) {
      const owReconcile = ((ow.functions[s].events ?? []) as Events).some(
        (e) => e.trigger?.name === 'stackmend-reconcile',
      );
      const awsSchedule = ((aws.functions[s].events ?? []) as Events).some((e) => e.schedule?.input?.reconcile);
      expect([owReconcile, awsSchedule]).toEqual([RECONCILING.includes(s), RECONCILING.includes(s)]);
    }
  });

  it('let alarms reach only the entry step without platform auth', () => {
    for (const s of STEP_NAMES) {
      const entry = !HANDED_ON.includes(s);
      expect(ow.functions[s].annotations['require-whisk-auth'] === true).toBe(!entry);
      expect(((aws.functions[s].events ?? []) as Events).some((e) => e.httpApi)).toBe(entry);
    }
  });
});
