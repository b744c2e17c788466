import { describeReadmeExamples } from '@platform/testing/readme-examples';
import * as security from './index';

/**
 * README examples are tests: every ```ts block is type-checked, synthesized and its `// synthesizes:` counts checked.
 * The README shows the constructs, not each of the policy engine's rules and helpers, so it is not held to naming every export.
 */
describeReadmeExamples({
  readme: new URL('../README.md', import.meta.url),
  specifier: '@platform/security',
  library: security,
  documentsEveryExport: false,
});
