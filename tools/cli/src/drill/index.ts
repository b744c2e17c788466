export { DRILL_PHASES, type DrillPhase, type DrillReport, type DrillStackSummary, type DrillStep, type DrillTrend, type StepOutcome } from './report-model';
export { drillReportSchema, parseDrillReport } from './report-schema';
export { formatSeconds, ganttLabel, renderDrillReport } from './report-markdown';
export { DRILL_TREND_WINDOW, drillReportKey, drillTrend, listDrillReports, saveDrillReport, writeDrillReportFiles } from './report-store';
export { assertDrillEnvironment, defaultDrillSource, DrillInterruptedError, DrillRefusedError, runDrill, type DrillOptions } from './drill';
export { cloneDelivery, promotedVersions, type RestoredDelivery } from './delivery';
export { fetchReleasedStack, type ReleasedStack } from '../promote/released-stack';
export { verifyStackOutputs, type StackOutputs } from './smoke';
