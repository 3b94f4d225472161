import { UsageError, parseArgs } from './run-job';

describe('run-job arguments', () => {
  it.each([
    [['expire'], { job: 'expire' }],
    [['janitor'], { job: 'janitor' }],
    [['reconcile'], { job: 'reconcile' }],
    [['reconcile', '--date', '2025-10-26'], { job: 'reconcile', date: '2025-10-26' }],
    [['reconcile', '--date=2025-10-26'], { job: 'reconcile', date: '2025-10-26' }],
  ])('%j', (argv, expected) => expect(parseArgs(argv)).toEqual(expected));

  it.each([[[]], [['cleanup']], [['expire', '--now']], [['reconcile', '--date']], [['reconcile', '--date', '2025-02-30']], [['reconcile', '2025-10-26']]])(
    'rejects %j with the usage',
    (argv) => expect(() => parseArgs(argv)).toThrow(UsageError),
  );
});
