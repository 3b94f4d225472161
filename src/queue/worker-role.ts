import { Injectable } from '@nestjs/common';
import { Env } from '../config/env';

/**
 * Whether this process runs job handlers. Modules register theirs only when it does:
 *   if (workerRole.enabled) queue.process(QUEUES.callbacks, handler, 4);
 * An API-only process (WORKERS=false) still adds jobs; workers elsewhere run them.
 */
@Injectable()
export class WorkerRole {
  readonly enabled: boolean;

  constructor(env: Env) {
    this.enabled = env.WORKERS;
  }
}
