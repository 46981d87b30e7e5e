// Counts the records readRecords finds in the files given, in a process of its own, and prints its peak memory:
// test/io/flat-memory.test.ts runs it with a small heap.
import { register } from 'tsx/esm/api';

register();
const { readRecords } = await import('../../lambdas/io/read-records.ts');
let records = 0;
let errors = 0;
for await (const item of readRecords(process.argv.slice(2))) {
  if (item.kind === 'record') records++;
  else errors++;
}
console.log(JSON.stringify({ records, errors, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
