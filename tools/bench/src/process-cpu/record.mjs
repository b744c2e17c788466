// Preloaded into every node process of a measured run (NODE_OPTIONS=--import <this file>): when
// the process exits, appends its command line and the CPU time of all its threads, as one JSON
// line, to the file named by PLATFORM_PROCESS_CPU_LOG. A process ended by SIGTERM (as Nx ends
// its batch processes) records too, then ends as the signal would have ended it; one killed
// by SIGKILL records nothing. Plain JavaScript without dependencies: it loads before anything else.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';

const log = process.env.PLATFORM_PROCESS_CPU_LOG;
if (log && isMainThread) {
  const started = Date.now();
  let recorded = false;
  const record = () => {
    if (recorded) return;
    recorded = true;
    const usage = process.cpuUsage();
    const line = { argv: process.argv.slice(1), cwd: process.cwd(), cpuSeconds: (usage.user + usage.system) / 1e6, wallSeconds: (Date.now() - started) / 1000 };
    try {
      appendFileSync(log, `${JSON.stringify(line)}\n`);
    } catch {
      // The measured process must not fail because its measurement could not be written.
    }
  };
  process.on('exit', record);
  const onTerm = () => {
    record();
    process.off('SIGTERM', onTerm);
    // Where the program listens for SIGTERM itself, its own listeners decide; otherwise the signal's default.
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  };
  process.on('SIGTERM', onTerm);
}
