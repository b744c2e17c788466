import { afterAll, expect } from 'vitest';
import { useFileTempFolder } from './file-temp-folder';
import { cdktfMatchers } from './matchers';

expect.extend(cdktfMatchers);
// Registered first, so it runs after the file's own afterAll hooks.
afterAll(useFileTempFolder());
