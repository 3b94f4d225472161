import { Env } from '../config/env';

/**
 * Whether this process consumes queues. Until the queue module's WORKERS setting lands every process
 * does (the zero-setup default).
 */
export function runsWorkers(env: Env): boolean {
  const workers = (env as Env & { WORKERS?: boolean | string }).WORKERS;
  return workers !== false && workers !== 'false';
}
