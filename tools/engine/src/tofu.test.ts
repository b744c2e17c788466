import { describe, expect, it } from 'vitest';
import { EngineError, parseLockHolder } from './tofu';

const LOCKED_DETAIL = [
  'Error message: writing "gs://fixture-gcs-state/gcs-local/fixture-base/default.tflock" failed: googleapi: Error 412: Precondition failed, conditionNotMet',
  'Lock Info:',
  '  ID:        1764590000000000',
  '  Path:      gs://fixture-gcs-state/gcs-local/fixture-base/default.tflock',
  '  Operation: OperationTypeApply',
  '  Who:       ci@runner-7',
  '  Version:   1.11.14',
  '  Created:   2026-12-01 12:00:00.000000000 +0000 UTC',
  '  Info:      ',
  '',
  'OpenTofu acquires a state lock to protect the state from being written',
].join('\n');

describe('engine errors', () => {
  it('reads who holds a state lock from the Lock Info block the engine prints', () => {
    expect(parseLockHolder(LOCKED_DETAIL)).toEqual({
      id: '1764590000000000',
      path: 'gs://fixture-gcs-state/gcs-local/fixture-base/default.tflock',
      operation: 'OperationTypeApply',
      who: 'ci@runner-7',
      created: '2026-12-01 12:00:00.000000000 +0000 UTC',
    });
    expect(parseLockHolder('Error: something else')).toBeUndefined();
  });

  it('names the lock id, the holder, the operation and the time in the message of a refused run', () => {
    const error = new EngineError('tofu plan', [{ severity: 'error', summary: 'Error acquiring the state lock', detail: LOCKED_DETAIL }], '');
    expect(error.isStateLocked).toBe(true);
    expect(error.lockHolder?.id).toBe('1764590000000000');
    expect(error.message).toBe(
      'tofu plan failed: the state is locked by another run: lock ID 1764590000000000, held by ci@runner-7 for OperationTypeApply ' +
        'since 2026-12-01 12:00:00.000000000 +0000 UTC (gs://fixture-gcs-state/gcs-local/fixture-base/default.tflock)',
    );
  });

  it('keeps the lines of an output without diagnostics as lines, not joined with slashes', () => {
    const output = 'Initializing provider plugins...\n\nError: No credentials loaded.\nTo use your gcloud credentials, run gcloud auth application-default login\n';
    expect(new EngineError('tofu init', [], output).message).toBe(
      'tofu init failed: its last lines:\n  Initializing provider plugins...\n\n  Error: No credentials loaded.\n  To use your gcloud credentials, run gcloud auth application-default login',
    );
  });
});
