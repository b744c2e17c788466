import { describeReadmeExamples } from '@platform/testing/readme-examples';
import * as networking from './index';

/** README examples are tests: every ```ts block is type-checked, synthesized and its `// tftest resources=N` checked. */
describeReadmeExamples({ readme: new URL('../README.md', import.meta.url), specifier: '@platform/networking', library: networking });
