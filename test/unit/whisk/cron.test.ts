import { nextRun, parseCron } from '../../../local/whisk/cron';
import { WhiskBadRequestError } from '../../../local/whisk/errors';

describe('alarm cron schedules (UTC)', () => {
  it.each([
    ['* * * * *', '2030-01-01T10:15:30Z', '2030-01-01T10:16:00.000Z'],
    ['*/5 * * * *', '2030-01-01T10:16:00Z', '2030-01-01T10:20:00.000Z'],
    ['0 3 * * *', '2030-01-01T10:16:00Z', '2030-01-02T03:00:00.000Z'],
    ['30 8 1 * *', '2030-01-15T00:00:00Z', '2030-02-01T08:30:00.000Z'],
    ['0 0 * * 0', '2030-01-01T00:00:00Z', '2030-01-06T00:00:00.000Z'], // 2030-01-06 is a Sunday
    ['0 0 * * 7', '2030-01-01T00:00:00Z', '2030-01-06T00:00:00.000Z'],
    ['*/10 * * * * *', '2030-01-01T10:15:31Z', '2030-01-01T10:15:40.000Z'], // six fields: seconds first
    ['0 12 29 2 *', '2030-03-01T00:00:00Z', '2032-02-29T12:00:00.000Z'],
    ['* * * * * *', '2030-01-01T10:15:31.500Z', '2030-01-01T10:15:32.000Z'], // every second
    ['*/10 * * * * *', '2030-01-01T10:15:59Z', '2030-01-01T10:16:00.000Z'], // into the next minute
    ['15,45 * * * * *', '2030-01-01T10:15:15Z', '2030-01-01T10:15:45.000Z'],
    ['30 */5 * * * *', '2030-01-01T10:16:00Z', '2030-01-01T10:20:30.000Z'], // seconds and minutes together
  ])('"%s" after %s fires at %s', (cron, after, expected) => {
    expect(nextRun(parseCron(cron), new Date(after)).toISOString()).toBe(expected);
  });

  it('fires on either restricted day field, as cron does', () => {
    // the 13th, or any Friday: after Wed 2030-01-02 the next is Fri 2030-01-04
    expect(nextRun(parseCron('0 0 13 * 5'), new Date('2030-01-02T00:00:00Z')).toISOString()).toBe(
      '2030-01-04T00:00:00.000Z',
    );
  });

  it.each(['* * * *', '61 * * * *', 'a * * * *', '5-1 * * * *', '* * * * * * *', '*/0 * * * * *'])(
    'rejects "%s" with a reason',
    (cron) => {
      expect(() => parseCron(cron)).toThrow(WhiskBadRequestError);
    },
  );

  it('names the seconds field when it is out of range', () => {
    expect(() => parseCron('60 * * * * *')).toThrow('cron "60 * * * * *": second "60" is outside 0-59');
  });

  it('refuses a schedule that never fires, as a bad request', () => {
    expect(() => nextRun(parseCron('0 0 0 30 2 *'), new Date('2030-01-01T00:00:00Z'))).toThrow(WhiskBadRequestError);
  });
});
