/**
 * The lab's OpenStack log lines the decision-overhead benchmark times writes by (bench/oslo-log.ts),
 * recorded from /var/log/stackmend-lab/ (test/unit/bench/logs/): Heat receiving a write, a Mistral
 * execution starting and the HTTP calls it sends in its request context.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  heatRequests,
  mistralExecutions,
  mistralHttpCalls,
  parseOsloLine,
  parseOsloLog,
} from '../../../bench/oslo-log';

const log = (name: string) => fs.readFileSync(path.join(__dirname, 'logs', name), 'utf8');

describe("oslo.log's line format", () => {
  it('gives the time to the millisecond, the level, the logger and the request id of the context', () => {
    const [first] = log('heat-api.log').split('\n');

    expect(parseOsloLine(first)).toMatchObject({
      atMs: new Date(2026, 11, 2, 5, 31, 5, 893).getTime(),
      level: 'INFO',
      logger: 'eventlet.wsgi.server',
      requestId: 'req-99037c25-9f35-4b9e-840d-27d95e4a032a',
    });
  });

  it('skips lines that are not log records (a traceback, a banner)', () => {
    expect(parseOsloLine('API server started.')).toBeUndefined();
    expect(parseOsloLog('Engine server started.\n\n')).toEqual([]);
  });
});

describe("Heat's received writes", () => {
  it('are the Processing request lines, with method, path and request id', () => {
    const patches = heatRequests(parseOsloLog(log('heat-api.log')));

    expect(patches).toHaveLength(4);
    expect(patches[0]).toMatchObject({
      method: 'PATCH',
      requestId: 'req-0d1491d1-ead4-4950-8e64-f699222ea46b',
      path: expect.stringMatching(/\/stacks\/client-49034-srv\/b88b54bd-[0-9a-f-]+\/resources\/server$/),
    });
  });
});

describe('Mistral executions', () => {
  it('start at their IDLE -> RUNNING trace line, keyed by execution id', () => {
    const [e] = mistralExecutions(parseOsloLog(log('mistral.log')));

    expect(e).toMatchObject({
      executionId: '11a6378b-131a-470a-9376-0befa0d6bdb4',
      workflow: 'client_client_49034',
      startedMs: new Date(2026, 11, 2, 5, 31, 16, 185).getTime(),
    });
  });

  it("know the nested stack of the baseline workflow's input, and its Heat calls are told by URL", () => {
    const lines = parseOsloLog(log('mistral-heal.log'));
    const [e] = mistralExecutions(lines);
    const [call] = mistralHttpCalls(lines);

    expect(e).toMatchObject({
      executionId: '133930d1-a092-4f2c-b649-6bf78c86b56a',
      nestedStack: 'bench-oh-mistral-327253-4-group-2h5j4vxiu6we/08f67b64-31d3-4b25-89b5-4f07b32c5c5a',
    });
    expect(call).toMatchObject({
      method: 'PATCH',
      url: expect.stringContaining(`/stacks/${e.nestedStack}/resources/0`),
    });
    expect(call.atMs - e.startedMs).toBe(614);
  });
});
