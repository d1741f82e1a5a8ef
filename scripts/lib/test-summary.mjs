// Prints vitest's JSON results as the plain closing line CI reads: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`no test results in ${file}: ${err.message}`);
  process.exit(1);
}
const passed = results.numPassedTests ?? 0;
// A file that failed to load has no failed assertions: count it once. (numFailedTestSuites also
// counts describe blocks, so adding it would count one failing test several times.)
const filesFailedWithoutTests = (results.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (results.numFailedTests ?? 0) + filesFailedWithoutTests;
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
