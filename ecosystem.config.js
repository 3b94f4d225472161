// PM2: `npm run build && pm2 start ecosystem.config.js` (env from .env or the shell; see .env.example).
// The API is stateless and runs in cluster mode; set REDIS_URL so instances share queues and rate limits.
// The worker runs the queues, cron jobs and callbacks (src/worker.ts). Rotate logs: `pm2 install pm2-logrotate`.
module.exports = {
  apps: [
    {
      name: 'qris-api',
      script: 'dist/src/main.js',
      exec_mode: 'cluster',
      instances: process.env.API_INSTANCES || 2,
      env: { NODE_ENV: 'production', WORKERS: 'false' },
      // SIGTERM drains in-flight requests (SHUTDOWN_TIMEOUT_MS, default 25 s) before PM2 would SIGKILL.
      kill_timeout: 30000,
      listen_timeout: 15000,
      max_memory_restart: '512M',
      out_file: 'logs/api.out.log',
      error_file: 'logs/api.err.log',
      merge_logs: true,
      time: false,
    },
    {
      name: 'qris-worker',
      script: 'dist/src/worker.js',
      exec_mode: 'fork',
      instances: 1,
      env: { NODE_ENV: 'production', WORKERS: 'true' },
      kill_timeout: 30000,
      max_memory_restart: '512M',
      out_file: 'logs/worker.out.log',
      error_file: 'logs/worker.err.log',
      merge_logs: true,
      time: false,
    },
  ],
};
