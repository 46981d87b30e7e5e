// Starts a reader thread from the TypeScript sources (tests, and the command run before it is compiled): registers tsx
// in this thread, then loads the entry it was given. The compiled command starts dist/cli/read-worker.js directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
