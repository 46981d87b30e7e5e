// Starts the embedded DynamoDB Local as the CLI does, prints the JVM's pid, then dies of an uncaught error:
// test/cli/child-cleanup.test.ts checks that the JVM does not outlive it.
import { register } from 'tsx/esm/api';

register();
const { connectStore } = await import('../../lambdas/replay/store-connection.ts');
const connection = await connectStore({ inMemory: true });
console.log(String(connection.emulator.process.pid));
setTimeout(() => {
  throw new Error('an uncaught error after the emulator started');
}, 50);
