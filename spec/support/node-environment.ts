import { TestEnvironment } from 'jest-environment-node';

/** Marks the worker process once the hook below is installed (one per process, not per file). */
const FAST_EXIT = Symbol.for('kucoin-wsapi-rx.spec.fast-worker-exit');

/**
 * Jest's Node environment, plus one thing for the worker process that runs it: once the worker
 * has nothing left to do — its event loop is empty, so no spec left a timer, socket or server
 * behind — it exits with `process.exit` instead of a natural exit. A natural exit first tears the
 * whole heap down, which for a worker's 100–200 MB takes 0.7–1.1 s on a busy 2-core machine:
 * longer than jest waits, so jest force-exits a worker that leaked nothing and reports a leak.
 * A worker that did leak never gets here (its loop is not empty); jest force-exits it, and
 * scripts/jest-clean-exit.mjs fails the run.
 */
export default class NodeEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    exitAtOnceWhenIdle();
  }
}

function exitAtOnceWhenIdle(): void {
  const worker = process as NodeJS.Process & { [FAST_EXIT]?: true };
  // Only in a jest worker process (forked, with an IPC channel); never in jest's main process.
  if (worker.send === undefined || worker.env.JEST_WORKER_ID === undefined || worker[FAST_EXIT]) return;
  worker[FAST_EXIT] = true;
  worker.once('beforeExit', (code) => worker.exit(code));
}
