/**
 * Retained memory after garbage collection, for the memory specs. Jest cannot pass
 * --expose-gc to its workers, so the flag is set at run time and `gc` is taken from a fresh
 * context (V8 installs it on contexts created after the flag is set).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes held after full collections: the JS heap plus ArrayBuffers (socket buffers are Buffers). */
export async function retainedBytes(): Promise<{ heap: number; arrayBuffers: number; total: number }> {
  for (let i = 0; i < 4; i++) {
    gc();
    // Let finalizers and weak callbacks run between collections.
    await new Promise((r) => setImmediate(r));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
}

export const MB = 1024 * 1024;
