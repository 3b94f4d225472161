import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Db } from '../database/db';
import { RedisProbe } from './redis-probe';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly db: Db,
    private readonly redis: RedisProbe,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  async ready() {
    const checks: Record<string, 'up' | 'down' | 'not configured'> = {
      database: (await this.databaseUp()) ? 'up' : 'down',
      redis: this.redis.configured ? ((await this.redis.ping()) ? 'up' : 'down') : 'not configured',
    };
    const ok = !Object.values(checks).includes('down');
    if (!ok) throw new ServiceUnavailableException(`Not ready: ${JSON.stringify(checks)}`);
    return { status: 'ready', checks };
  }

  private async databaseUp(): Promise<boolean> {
    try {
      await this.db.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
