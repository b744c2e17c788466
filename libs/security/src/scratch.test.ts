import { test } from 'vitest';
import { Testing } from 'cdktf';
import { googleStack } from './__fixtures__/stack';
test('x', () => { const s = googleStack({ 'cost-center': 'cc-42', costCenter: 'y', team: 'a' }); console.log(Testing.synth(s)); });
