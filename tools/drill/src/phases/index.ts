import type { DrillPhaseModule } from '../context';
import { deploy } from './deploy';
import { destroy } from './destroy';
import { planOnly } from './plan-only';
import { preflight } from './preflight';
import { restoreDelivery } from './restore-delivery';
import { stateBackup } from './state-backup';
import { verifyEmpty } from './verify-empty';

/** The rebuild, in order; the drill stops at the first phase that cannot go on. */
export const REBUILD_PHASES: readonly DrillPhaseModule[] = [preflight, restoreDelivery, planOnly, deploy, stateBackup];

/** The teardown: always after the rebuild (a failure or an interrupt included) once a delivery exists, unless --keep. */
export const TEARDOWN_PHASES: readonly DrillPhaseModule[] = [destroy, verifyEmpty];
