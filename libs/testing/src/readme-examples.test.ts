import { describe, expect, it } from 'vitest';
import { parseReadmeExamples } from './readme-examples';

const README = [
  '# @platform/example', //                                       1
  '',
  '## Bucket',
  '',
  '```ts', //                                                      5
  "import { Bucket } from '@platform/example';",
  '',
  "new Bucket(scope, 'logs', {});",
  '// tftest resources=2',
  '```',
  '',
  '```ts', //                                                      12
  "import { Bucket } from '@platform/example';",
  "new Bucket(scope, 'data', {});",
  '// synthesizes: google_storage_bucket=1 google_storage_bucket_iam_member=2',
  '```',
  '',
  '```text',
  'not an example',
  '```',
  '',
  '### Without a count',
  '```ts', //                                                      23
  '1;',
  '```',
].join('\n');

describe('parseReadmeExamples', () => {
  const [first, second, third, ...rest] = parseReadmeExamples(README);

  it('finds every ts block, titled by the heading above it and numbered under it', () => {
    expect(rest).toEqual([]);
    expect([first?.title, second?.title, third?.title]).toEqual([
      'Bucket, example 1 (README.md:5)',
      'Bucket, example 2 (README.md:12)',
      'Without a count, example 1 (README.md:23)',
    ]);
    expect(first?.line).toBe(5);
    expect(first?.code).toBe("import { Bucket } from '@platform/example';\n\nnew Bucket(scope, 'logs', {});\n// tftest resources=2");
  });

  it('reads the total of `// tftest resources=N`', () => {
    expect(first).toMatchObject({ resources: 2, resourcesByType: undefined });
  });

  it('reads the counts by type of `// synthesizes:`, and their sum as the total', () => {
    expect(second).toMatchObject({ resources: 3, resourcesByType: { google_storage_bucket: 1, google_storage_bucket_iam_member: 2 } });
  });

  it('leaves the counts of a block that states none undefined', () => {
    expect(third).toMatchObject({ resources: undefined, resourcesByType: undefined });
  });

  it('refuses a `// synthesizes:` entry that is not <type>=<count>, naming the README line', () => {
    expect(() => parseReadmeExamples('```ts\n// synthesizes: google_storage_bucket\n```', 'lib/README.md')).toThrow(
      "lib/README.md:1: 'google_storage_bucket' in '// synthesizes:' is not <resource type>=<count>",
    );
  });
});
