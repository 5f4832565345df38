/** A policy file (core/policy/file.ts): the policy, or each problem at its line and column with the key path. */
import { formatIssue, parsePolicyFile, parsePolicyText, PolicyFileError } from '../../../core/policy/file';
import { DEFAULT_POLICY } from '../../../core/policy/policy';

const problems = (text: string) => {
  const r = parsePolicyText(text, 'policy.yaml');
  if (r.ok) throw new Error('expected the file to be refused');
  return r.issues.map(formatIssue);
};
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('policy file', () => {
  it('an empty file is the default policy', () => {
    expect(parsePolicyText('', 'policy.yaml')).toEqual({ ok: true, policy: DEFAULT_POLICY });
    expect(parsePolicyText('# nothing but a comment\n', 'policy.yaml')).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  it('reads settings and rules, JSON too', () => {
    const yaml = lines('repeatThreshold: 4', 'rules:', '  - name: db', '    match: { metadata: { role: db } }');
    expect(parsePolicyFile(yaml, 'p.yaml')).toMatchObject({
      repeatThreshold: 4,
      rules: [{ name: 'db', match: { metadata: { role: 'db' } }, action: 'auto' }],
    });
    expect(parsePolicyFile('{"evacuatePets": false}', 'p.json').evacuatePets).toBe(false);
  });

  it('names the file, line, column and key path of a value of the wrong type', () => {
    const yaml = lines(
      'rules:',
      '  - name: a',
      '  - name: b',
      '  - name: c',
      '    match:',
      '      aggregate: 5',
      '    settings:',
      '      evacuatePets: "no"',
    );
    expect(problems(yaml)).toEqual([
      'policy.yaml:6:18: rules[2].match.aggregate: expected string or array',
      'policy.yaml:8:21: rules[2].settings.evacuatePets: expected boolean',
    ]);
  });

  it('refuses a misspelt key at the key itself, so it is not silently ignored', () => {
    expect(problems(lines('repeatThreshold: 4', 'repeatTreshold: 3'))).toEqual([
      'policy.yaml:2:1: repeatTreshold: unknown key "repeatTreshold"',
    ]);
    expect(problems(lines('rules:', '  - name: a', '    macth: { kind: host-down }'))).toEqual([
      'policy.yaml:3:5: rules[0].macth: unknown key "macth"',
    ]);
  });

  it('points a missing key at the map that lacks it', () => {
    expect(problems(lines('rules:', '  - action: hold'))).toEqual(['policy.yaml:2:5: rules[0].name: expected string']);
  });

  it('refuses an unknown action and an unknown incident kind, saying what it may be', () => {
    const yaml = lines('rules:', '  - name: a', '    action: reboot', '  - name: b', '    match: { kind: host-gone }');
    expect(problems(yaml)).toEqual([
      'policy.yaml:3:13: rules[0].action: expected one of auto, evacuate, replace, hold, notify, ignore',
      'policy.yaml:5:20: rules[1].match.kind: expected one of server-deleted, server-error, server-stopped, ' +
        'host-down, process-down, server-unhealthy or array',
    ]);
  });

  it('refuses two rules of one name: a decision names one rule', () => {
    expect(problems(lines('rules:', '  - name: a', '  - name: a'))).toEqual([
      'policy.yaml:3:11: rules[1].name: rule a twice',
    ]);
  });

  it('checks the settings against each other where the schema does', () => {
    expect(problems(lines('reportIntervalSec: 10', 'hostDownAfterSec: 12'))).toEqual([
      'policy.yaml:2:19: hostDownAfterSec: Expected hostDownAfterSec of at least reportIntervalSec + 5: one late heartbeat is not a failure',
    ]);
  });

  it('reports YAML that does not parse at its line', () => {
    const [first] = problems(lines('rules: [', 'repeatThreshold: 3'));
    expect(first).toMatch(/^policy\.yaml:2:\d+: \(yaml\): /);
    expect(problems(lines('a: 1', 'a: 2'))[0]).toMatch(/^policy\.yaml:2:1: \(yaml\): Map keys must be unique/);
  });

  it('throws a 400 PolicyFileError that lists every problem, for the CLI to exit 2 with', () => {
    let error: unknown;
    try {
      parsePolicyFile(lines('maxOpenIncidents: -1', 'bogus: 1'), 'policy.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as Error).message).toContain('policy.yaml:1:19: maxOpenIncidents:');
    expect((error as Error).message).toContain('policy.yaml:2:1: bogus: unknown key "bogus"');
  });
});
