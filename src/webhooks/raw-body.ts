import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** Route config flag (`@RouteConfig(RAW_BODY)`): the handler gets the exact request bytes as a Buffer. */
export const RAW_BODY = { rawBody: true } as const;

/**
 * Installs Nest's default body parsers now and swaps the JSON one for a route-aware twin: routes marked
 * with RAW_BODY get the bytes unparsed (a signature is checked over them before anything else is read),
 * every other route gets Fastify's default JSON parsing exactly as before. Fastify has one parser per
 * content type per instance and Nest registers its routes on the root instance, so the choice is made
 * per request from the matched route's config.
 */
export function installRawBodyForMarkedRoutes(app: NestFastifyApplication): void {
  const adapter = app.getHttpAdapter();
  // Registers Nest's JSON and URL-encoded parsers and marks them done, so app.init() adds no others.
  adapter.registerParserMiddleware();
  const fastify = adapter.getInstance();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    if ((request.routeOptions.config as { rawBody?: boolean } | undefined)?.rawBody === true) return done(null, body);
    // Fastify's own parser (same prototype-poisoning rules) takes the buffer as it would the text.
    parseJson(request, body as unknown as string, done);
  });
}
