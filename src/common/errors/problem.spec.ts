import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AppError } from './app-error';
import { toProblem } from './problem';

describe('toProblem', () => {
  it('maps an AppError with field errors and headers', () => {
    const { problem, headers } = toProblem(
      new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'other body', [{ field: 'amount', message: 'x' }], { 'Retry-After': '1' }),
    );
    expect(problem).toEqual({
      type: '/problems/idempotency-key-reused',
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'other body',
      code: 'IDEMPOTENCY_KEY_REUSED',
      errors: [{ field: 'amount', message: 'x' }],
    });
    expect(headers).toEqual({ 'Retry-After': '1' });
  });

  it('maps Nest HTTP exceptions, unknown routes included', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope')).problem).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(toProblem(new BadRequestException('bad')).problem).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: 'bad' });
  });

  it('maps fastify body errors without echoing parser internals', () => {
    const err = Object.assign(new Error('Unexpected token } in JSON at position 7'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect(toProblem(err).problem).toMatchObject({ status: 400, code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON.' });
    const big = Object.assign(new Error('too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(toProblem(big).problem).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('hides internals of unexpected errors', () => {
    const { problem } = toProblem(new TypeError('cannot read x of undefined at /src/secret.ts:1'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret.ts');
  });
});
