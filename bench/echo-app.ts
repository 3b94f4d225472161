/**
 * The baseline: a bare NestJS 11 app on the same Fastify adapter as the service, with no database, no
 * validation, no logging. POST /echo returns the JSON body, GET /echo a small constant object. The
 * service's figures are reported as a ratio to this app, so the ratio survives a change of machine.
 */
import 'reflect-metadata';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Get()
  get(): unknown {
    return { status: 'ok', service: 'echo' };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(EchoModule, new FastifyAdapter({ bodyLimit: 64 * 1024 }), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 9100), '127.0.0.1');
}

void main();
