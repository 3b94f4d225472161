import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { AppError, FieldError } from './app-error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

export interface ProblemResponse {
  problem: Problem;
  headers: Record<string, string>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Fastify's own errors (body parsing, limits) mapped to our stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_CONTENT_LENGTH',
};

const FASTIFY_MESSAGES: Array<[RegExp, string]> = [
  [/^Body is not valid JSON|^Body cannot be empty when content-type is set to 'application\/json'/, 'MALFORMED_JSON'],
  [/^Request body is too large/, 'BODY_TOO_LARGE'],
  [/^Unsupported Media Type/, 'UNSUPPORTED_MEDIA_TYPE'],
];

const FRIENDLY_DETAIL: Record<string, string> = {
  MALFORMED_JSON: 'The request body is not valid JSON.',
  BODY_TOO_LARGE: 'The request body is larger than this endpoint accepts.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the body as application/json.',
};

function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function codeForStatus(status: number): string {
  const name = STATUS_CODES[status] ?? 'Error';
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * Turns anything thrown into a problem document. Unknown errors become a bare 500 whose detail says
 * nothing about internals; the caller logs the original.
 */
export function toProblem(error: unknown): ProblemResponse {
  if (error instanceof AppError) {
    return { problem: problem(error.status, error.code, error.message, error.errors), headers: error.headers ?? {} };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown }).message === 'string'
          ? ((body as { message: string }).message)
          : error.message;
    // Nest re-throws Fastify's own errors (body parsing, limits) as HttpException(message, status).
    const fastifyCode = FASTIFY_MESSAGES.find(([pattern]) => pattern.test(detail))?.[1];
    if (fastifyCode) return { problem: problem(status, fastifyCode, FRIENDLY_DETAIL[fastifyCode]), headers: {} };
    const code = status === HttpStatus.NOT_FOUND ? 'ROUTE_NOT_FOUND' : codeForStatus(status);
    return { problem: problem(status, code, detail), headers: {} };
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) ?? codeForStatus(fastifyError.statusCode);
    const detail = FRIENDLY_DETAIL[code] ?? fastifyError.message ?? 'Bad request.';
    return { problem: problem(fastifyError.statusCode, code, detail), headers: {} };
  }
  return { problem: problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred. It has been logged.'), headers: {} };
}
