import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Env } from '../config/env';

/** A lazily connected Redis client used only to answer /ready. */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private client: Redis | null = null;

  constructor(private readonly env: Env) {}

  get configured(): boolean {
    return Boolean(this.env.REDIS_URL);
  }

  async ping(): Promise<boolean> {
    try {
      this.client ??= new Redis(this.env.REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }
}
