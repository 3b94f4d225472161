import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../common/errors/app-error';
import { Env } from '../config/env';

/**
 * The page's own policy, stricter than the global helmet one: its script and stylesheet come from
 * this origin only (no inline code or style, no eval), it talks only to this origin, and nothing may
 * frame it or submit a form anywhere.
 */
export const ADMIN_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Read at boot, so a build that forgot to copy the files fails at start, not on the first visit. */
function loadAsset(name: string, type: string): Asset {
  const body = readFileSync(join(__dirname, 'page', name));
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * GET /admin: the operations page (static HTML, JS and CSS; no data). The page asks the operator for
 * ADMIN_API_KEY and sends it as a Bearer token on every API call, so loading it needs no key; with
 * ADMIN_API_KEY unset it answers the same 404 ADMIN_DISABLED problem as the admin API.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminPageController {
  private readonly html = loadAsset('admin.html', 'text/html; charset=utf-8');
  private readonly js = loadAsset('admin.js', 'text/javascript; charset=utf-8');
  private readonly css = loadAsset('admin.css', 'text/css; charset=utf-8');

  constructor(private readonly env: Env) {}

  @Get()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply.header('Content-Security-Policy', ADMIN_PAGE_CSP), this.html);
  }

  @Get('admin.js')
  script(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.js);
  }

  @Get('admin.css')
  stylesheet(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.css);
  }

  private send(request: FastifyRequest, reply: FastifyReply, asset: Asset): void {
    if (!this.env.ADMIN_API_KEY) throw AppError.notFound('ADMIN_DISABLED', 'The admin API is disabled (ADMIN_API_KEY is not set).');
    // Revalidated on every load (no-cache), so a deploy is picked up at once; unchanged files cost a 304.
    void reply.header('Cache-Control', 'no-cache').header('ETag', asset.etag).header('Referrer-Policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) {
      void reply.status(304).send();
      return;
    }
    void reply.type(asset.type).send(asset.body);
  }
}
