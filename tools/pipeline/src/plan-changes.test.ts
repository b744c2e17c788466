import { describe, expect, it } from 'vitest';
import { UNKNOWN_PLACEHOLDER } from '@platform/deploy';
import { changedOutputs, differencesFromReviewed, outputChangesOf, outputsRead, resourceChangesOf, summaryOf, type PlanRendering } from './plan-changes';

const plan = (changes: Record<string, { actions: string[]; after?: unknown; mode?: string }>): PlanRendering => ({
  resource_changes: Object.entries(changes).map(([address, c]) => ({ address, ...(c.mode ? { mode: c.mode } : {}), change: { actions: c.actions, after: c.after ?? null } })),
});

describe('the resource changes of a plan', () => {
  it('keeps what changes, in address order, leaving out reads, no-ops and the offline placeholder', () => {
    const changes = resourceChangesOf(
      plan({
        'random_id.suffix': { actions: ['delete', 'create'], after: { byte_length: 5 } },
        'data.terraform_remote_state.upstream': { actions: ['read'], mode: 'data' },
        'time_static.created': { actions: ['no-op'] },
        [UNKNOWN_PLACEHOLDER]: { actions: ['create'] },
        'terraform_data.marker': { actions: ['update'] },
      }),
    );
    expect(changes.map((c) => `${c.address} ${c.actions.join('+')}`)).toEqual(['random_id.suffix delete+create', 'terraform_data.marker update']);
    expect(summaryOf(changes)).toEqual({ add: 1, change: 1, remove: 1, replace: ['random_id.suffix'] });
  });

  it('says how a new plan differs from the reviewed one: other actions, other values, only in one of them', () => {
    const reviewed = resourceChangesOf(plan({ 'a.kept': { actions: ['update'], after: { x: 1 } }, 'a.gone': { actions: ['create'] }, 'a.other': { actions: ['update'], after: { x: 1 } }, 'a.same': { actions: ['create'], after: { y: 2 } } }));
    const now = resourceChangesOf(plan({ 'a.kept': { actions: ['delete', 'create'], after: { x: 1 } }, 'a.new': { actions: ['delete'] }, 'a.other': { actions: ['update'], after: { x: 2 } }, 'a.same': { actions: ['create'], after: { y: 2 } } }));
    expect(differencesFromReviewed(reviewed, now)).toEqual([
      'reviewed a.gone create, now no change',
      'reviewed a.kept update, now delete+create',
      'now a.new delete, not reviewed',
      'a.other update with other values than reviewed',
    ]);
    expect(differencesFromReviewed(reviewed, reviewed)).toEqual([]);
  });
});

describe('outputs', () => {
  it("finds the outputs of a producer a consumer's configuration reads, and no other producer's", () => {
    const json = JSON.stringify({
      locals: { a: '${data.terraform_remote_state.upstream-network.outputs.vpc_id}-${data.terraform_remote_state.upstream-network.outputs.subnet}' },
      resource: { x: { y: { z: '${data.terraform_remote_state.upstream-network-edge.outputs.other}', w: '${data.terraform_remote_state.upstream-network.outputs.vpc_id}' } } },
    });
    expect(outputsRead(json, 'network')).toEqual(['subnet', 'vpc_id']);
    expect(outputsRead(json, 'network-edge')).toEqual(['other']);
    expect(outputsRead(json, 'database')).toEqual([]);
  });

  it('names the outputs whose value changed, appeared or went away', () => {
    expect(changedOutputs({ a: { value: 1 }, b: { value: { k: [1] } }, c: { value: 'x' } }, { a: { value: 1 }, b: { value: { k: [2] } }, d: { value: null } })).toEqual(['b', 'c', 'd']);
    expect(outputChangesOf({ output_changes: { a: { actions: ['no-op'] }, b: { actions: ['update'] }, c: { actions: ['create'] } } })).toEqual(['b', 'c']);
  });
});
