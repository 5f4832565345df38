/**
 * `--policy FILE` (or `@FILE`, or inline JSON; `STACKMEND_POLICY_FILE`): the operator's one policy file,
 * read here and parsed by core/policy/file.ts, so a broken file is refused with its line before anything runs.
 */
import * as fs from 'node:fs';
import { parsePolicyFile } from '../core/policy/file';
import type { Policy } from '../core/policy/policy';
import { readJsonArg, UsageError } from './args';

export function readPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the policy file ${file}: ${(e as Error).message}`);
  }
  return parsePolicyFile(text, file);
}

/** A policy flag's value: JSON when it starts with `{`, else a YAML (or JSON) file, `@` before it optional. */
export const readPolicyArg = (arg: string): unknown =>
  arg.trimStart().startsWith('{') ? readJsonArg('policy', arg) : readPolicyFile(arg.replace(/^@/, ''));
