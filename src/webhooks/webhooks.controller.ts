import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RAW_BODY } from './raw-body';
import { WebhookIntakeService } from './webhook-intake.service';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('qris')
  @HttpCode(200)
  @RouteConfig(RAW_BODY)
  @ApiOperation({ summary: 'Payment notification from the QRIS provider (signed; see the provider adapter)' })
  @ApiResponse({ status: 200, description: 'Stored durably (or a duplicate event id); processed from the queue' })
  @ApiResponse({ status: 401, description: 'Missing or wrong signature, or timestamp outside the tolerance' })
  @ApiResponse({ status: 400, description: 'Malformed body' })
  async qris(@Req() request: FastifyRequest): Promise<{ received: true; duplicate: boolean }> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const { duplicate } = await this.intake.receive(raw, request.headers);
    return { received: true, duplicate };
  }
}
