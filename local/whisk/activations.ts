/**
 * Activation records: built in OpenWhisk's shape and kept in a bounded log (oldest dropped first),
 * listed newest first like `GET /namespaces/_/activations`.
 */
import { randomUUID } from 'node:crypto';
import type { ActivationOutcome, ActivationRecord, EntityRef, KeyValue } from './types';
import { splitPackage, qualifiedPath } from './names';
import { WhiskNotFoundError } from './errors';

export function newActivationId(): string {
  return randomUUID().replace(/-/g, '');
}

export interface RecordInput {
  activationId: string;
  entity: EntityRef & { version: string };
  subject: string;
  start: number;
  outcome: ActivationOutcome;
  result: Record<string, unknown>;
  logs: string[];
  annotations?: KeyValue[];
  cause?: string;
}

export function activationRecord(input: RecordInput): ActivationRecord {
  const end = Date.now();
  return {
    activationId: input.activationId,
    name: splitPackage(input.entity.name).short,
    namespace: input.subject,
    subject: input.subject,
    version: input.entity.version,
    publish: false,
    start: input.start,
    end,
    duration: end - input.start,
    response: { ...input.outcome, success: input.outcome.statusCode === 0, result: input.result },
    logs: input.logs,
    annotations: [{ key: 'path', value: qualifiedPath(input.entity) }, ...(input.annotations ?? [])],
    ...(input.cause ? { cause: input.cause } : {}),
  };
}

/** `guest/stackmend/notify` of a record (its `path` annotation). */
export function pathOf(record: ActivationRecord): string {
  return String(record.annotations.find((a) => a.key === 'path')?.value ?? record.name);
}

export interface ListQuery {
  name?: string;
  skip?: number;
  limit?: number;
  since?: number;
  upto?: number;
}

export class ActivationLog {
  private readonly records: ActivationRecord[] = [];
  constructor(private readonly capacity = 1000) {}

  add(record: ActivationRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
  }

  get(activationId: string): ActivationRecord {
    const found = this.records.find((r) => r.activationId === activationId);
    if (!found) throw new WhiskNotFoundError(`activation ${activationId} (only the last ${this.capacity} are kept)`);
    return found;
  }

  /** Oldest first. */
  all(): ActivationRecord[] {
    return [...this.records];
  }

  /** Newest first, filtered like OpenWhisk: `name` matches `notify` or `stackmend/notify`. */
  list(query: ListQuery): ActivationRecord[] {
    const matches = this.records.filter((r) => {
      if (query.since !== undefined && r.start < query.since) return false;
      if (query.upto !== undefined && r.start > query.upto) return false;
      if (!query.name) return true;
      const path = pathOf(r);
      return r.name === query.name || path.endsWith(`/${query.name}`);
    });
    const skip = query.skip ?? 0;
    return matches.reverse().slice(skip, skip + (query.limit || 30));
  }
}
