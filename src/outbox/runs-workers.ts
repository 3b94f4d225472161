import { Env } from '../config/env';

/**
 * Whether this process consumes queues. Until the queue module's WORKERS setting lands every process
 * does (the zero-setup default).
 */
export function runsWorkers(env: Env): boolean {
  return (env as Env & { WORKERS?: boolean }).WORKERS !== false;
}
