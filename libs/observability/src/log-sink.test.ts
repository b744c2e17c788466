import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { TerraformOutput } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { LogBucket } from './log-bucket';
import { AUDIT_LOGS_FILTER, LogSink, type LogSinkProps } from './log-sink';

const SINK = LoggingProjectSink.tfResourceType;
const KEY = 'projects/my-project/locations/europe-west1/keyRings/platform/cryptoKeys/logging';
const DESTINATION = 'logging.googleapis.com/projects/my-project/locations/europe-west1/buckets/audit-logs';

describe('LogSink', () => {
  it('given a log bucket, when synthesized, then the sink routes to the bucket by reference with its own writer identity', () => {
    const out = synth((scope) => {
      const bucket = new LogBucket(scope, 'audit', { bucketId: 'audit-logs', project: 'my-project', location: 'europe-west1', kmsKeyName: KEY });
      new LogSink(scope, 'audit-sink', { name: 'audit-logs', destination: bucket, filter: AUDIT_LOGS_FILTER });
    });
    expect(out.count()).toBe(2);
    expect(only(out, SINK)).toMatchObject({
      name: 'audit-logs',
      filter: 'logName:"cloudaudit.googleapis.com"',
      unique_writer_identity: true,
      destination: expect.stringMatching(/^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.audit_default_\w+\.id\}$/),
    });
  });

  it('given a destination string and no filter, when synthesized, then every entry goes there', () => {
    const out = synth((scope) => new LogSink(scope, 'all', { name: 'all', destination: DESTINATION }));
    const sink = only(out, SINK);
    expect(sink.destination).toBe(DESTINATION);
    expect(sink.filter).toBeUndefined();
  });

  it('given exclusions as a map, when synthesized, then each becomes an exclusion named by its key, in key order', () => {
    const out = synth(
      (scope) =>
        new LogSink(scope, 'app', {
          name: 'app-logs',
          destination: DESTINATION,
          exclusions: {
            'sampled-debug': { filter: 'severity = DEBUG AND sample(insertId, 0.9)', description: 'Keep a tenth of debug entries' },
            'health-checks': { filter: 'httpRequest.requestUrl:"/healthz"', disabled: true },
          },
        }),
    );
    expect(only(out, SINK).exclusions).toEqual([
      { name: 'health-checks', filter: 'httpRequest.requestUrl:"/healthz"', disabled: true },
      { name: 'sampled-debug', filter: 'severity = DEBUG AND sample(insertId, 0.9)', description: 'Keep a tenth of debug entries', disabled: false },
    ]);
  });

  it('exposes its writer identity as a reference', () => {
    const out = synth((scope) => {
      const sink = new LogSink(scope, 'all', { name: 'all', destination: DESTINATION });
      new TerraformOutput(scope, 'writer', { value: sink.writerIdentity });
    });
    expect(out.output.writer!.value).toMatch(/^\$\{google_logging_project_sink\.all_default_\w+\.writer_identity\}$/);
  });

  it.each<[string, Partial<LogSinkProps>, RegExp]>([
    ['a name with spaces', { name: 'audit logs' }, /name 'audit logs' is invalid/],
    ['a bare bucket name as destination', { destination: 'audit-logs' }, /destination 'audit-logs' is not a sink destination/],
    ['a blank filter', { filter: '  ' }, /filter ' {2}' must not be empty/],
    ['an exclusion with a bad name', { exclusions: { 'no/slash': { filter: 'severity < INFO' } } }, /exclusion 'no\/slash' name 'no\/slash' is invalid/],
    ['an exclusion without a filter', { exclusions: { debug: { filter: '' } } }, /exclusion 'debug' filter '' must not be empty/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    expect(() => synth((scope) => new LogSink(scope, 'sink', { name: 'audit', destination: DESTINATION, ...override }))).toThrow(error);
  });
});
