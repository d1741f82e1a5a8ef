// Prints vitest's JSON results as the plain closing line CI reads: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

// One or more JSON result files (the suite and the chaos run are separate vitest runs): summed.
const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  let results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`no test results in ${file}: ${err.message}`);
    process.exit(1);
  }
  passed += results.numPassedTests ?? 0;
  // A file that failed to load has no failed assertions: count it once. (numFailedTestSuites also
  // counts describe blocks, so adding it would count one failing test several times.)
  const filesFailedWithoutTests = (results.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed += (results.numFailedTests ?? 0) + filesFailedWithoutTests;
  skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
