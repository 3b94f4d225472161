import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one place where errors become HTTP responses (RFC 9457). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { problem, headers } = toProblem(error);
    if (problem.status >= 500) {
      const request = http.getRequest<FastifyRequest>();
      // The request id ties this line to the request's own log line and to the X-Request-Id the caller saw.
      this.logger.error({
        msg: 'request failed',
        req: { id: request.id, method: request.method, url: request.url },
        err: error instanceof Error ? error : new Error(String(error)),
      });
    }
    void reply.status(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
  }
}
