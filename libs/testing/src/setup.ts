import { expect } from 'vitest';
import { cdktfMatchers } from './matchers';

expect.extend(cdktfMatchers);
