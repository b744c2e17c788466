import type { Diagnostic } from '@platform/engine';
import { markdownTable } from '@platform/workspace';
import { DRILL_PHASES, stoppedAtPreflight, type DrillReport, type DrillStep, type DrillTrend, type StepOutcome } from './report-model';

const OUTCOME_TITLE: Record<DrillReport['outcome'], string> = { passed: 'PASSED', failed: 'FAILED', interrupted: 'INTERRUPTED' };
const MODE_LABEL: Record<DrillReport['mode'], string> = { full: 'full rebuild', 'plan-only': 'plan only', cleanup: 'cleanup of an interrupted drill' };
const STEP_LABEL: Record<StepOutcome, string> = { passed: 'passed', failed: 'FAILED', skipped: 'skipped' };

/** Seconds as every part of a drill report shows them: one decimal. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)} s`;
}

function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** A table cell: a `|` would end the cell and a line break the row. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return markdownTable(headers, rows.map((row) => row.map(cell)));
}

/** A fenced block whose fence is longer than any run of backticks inside it, so the text cannot close it. */
function fenced(info: string, body: readonly string[]): string[] {
  const text = body.join('\n');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${fence}${info}`, text, fence];
}

/**
 * A Mermaid gantt task label: `:` separates the label from the task data and `#` and `%%` start
 * comments, `;` ends a statement; line breaks would end the task.
 */
export function ganttLabel(text: string): string {
  const label = text
    .replace(/\s*:\s*/g, ' - ')
    .replace(/#/g, ' ')
    .replace(/%+/g, '%')
    .replace(/;/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
  return label === '' ? 'step' : label;
}

/**
 * The drill report for operators: outcome, timings, the failure with the engine's diagnostics,
 * per-stack timings, cleanup, a Mermaid gantt chart of the run, and the trend against earlier drills.
 */
export function renderDrillReport(report: DrillReport, trend: DrillTrend): string {
  const what = report.mode === 'plan-only' ? 'planned a rebuild of' : report.mode === 'cleanup' ? 'tore down what an interrupted drill left of' : 'rebuilt';
  return [
    `## Disaster-recovery drill of ${report.environment}: ${OUTCOME_TITLE[report.outcome]} (${MODE_LABEL[report.mode]})`,
    '',
    `Drill \`${report.id}\` ${what} the versions promoted to ${report.source}, from ${report.startedAt} to ${report.finishedAt}.`,
    '',
    summaryTable(report),
    ...failureSection(report),
    ...stackSection(report),
    ...cleanupSection(report),
    ...ganttSection(report),
    ...trendSection(report, trend),
    '',
  ].join('\n');
}

function rtoText(report: Pick<DrillReport, 'rtoSeconds'>): string {
  return report.rtoSeconds === null ? 'not reached' : formatSeconds(report.rtoSeconds);
}

function summaryTable(report: DrillReport): string {
  const overhead = report.wallSeconds - report.engineSeconds;
  const share = report.wallSeconds > 0 ? ` (${formatPercent(overhead / report.wallSeconds)} of wall time)` : '';
  const overlap = overhead < 0 ? '; engine processes ran in parallel' : '';
  const rto =
    report.rtoSeconds !== null
      ? formatSeconds(report.rtoSeconds)
      : report.mode === 'full'
        ? 'not reached: not every stack was verified'
        : `not measured (${MODE_LABEL[report.mode]})`;
  return table(
    ['Measure', 'Value'],
    [
      ['RTO', rto],
      ['Wall time', formatSeconds(report.wallSeconds)],
      ['Engine time', formatSeconds(report.engineSeconds)],
      ['Orchestration overhead', `${formatSeconds(overhead)}${share}${overlap}`],
      ['Source environment', report.source],
      ...(report.nameSuffix ? [['Name suffix', `${report.nameSuffix} (key rings, Cloud SQL instances and other names that cannot be reused end with it)`]] : []),
      ['Delivery', report.delivery ? `commit ${report.delivery.commit.slice(0, 12)}, ${report.delivery.install}` : 'not restored'],
      ['Stacks', report.stacks.length === 0 ? 'none' : `${report.stacks.length} (${report.stacks.map((s) => s.stack).join(', ')})`],
    ],
  );
}

function diagnosticLines(diagnostic: Diagnostic): string[] {
  const where = [diagnostic.address, diagnostic.range ? `${diagnostic.range.filename}:${diagnostic.range.start.line}` : undefined].filter(Boolean);
  return [
    `${diagnostic.severity}: ${diagnostic.summary}${where.length > 0 ? ` (${where.join(', ')})` : ''}`,
    ...(diagnostic.detail.trim() === '' ? [] : diagnostic.detail.trimEnd().split('\n').map((line) => `  ${line}`)),
  ];
}

function failureSection(report: DrillReport): string[] {
  const failure = report.failure;
  if (!failure) {
    if (report.outcome === 'passed') return [];
    return ['', '### Failure', '', report.outcome === 'interrupted' ? 'The drill was interrupted before any step failed.' : 'No failing step was recorded.'];
  }
  const where = [`phase **${failure.phase}**`, ...(failure.stack ? [`stack **${failure.stack}**`] : []), `step **${failure.step}**`].join(', ');
  const body = [failure.error, ...(failure.diagnostics ?? []).flatMap((d) => ['', ...diagnosticLines(d)])];
  return ['', '### Failure', '', `${report.outcome === 'interrupted' ? 'Interrupted' : 'Failed'} in ${where}.`, '', ...fenced('text', body)];
}

function phaseCell(steps: readonly DrillStep[]): string {
  if (steps.length === 0) return '';
  if (steps.every((s) => s.outcome === 'skipped')) return 'skipped';
  const seconds = formatSeconds(steps.reduce((sum, s) => sum + s.seconds, 0));
  return steps.some((s) => s.outcome === 'failed') ? `${seconds} (failed)` : seconds;
}

function stackSection(report: DrillReport): string[] {
  if (report.stacks.length === 0) return ['', '### Stacks', '', 'No stacks.'];
  const stackSteps = report.steps.filter((s) => s.stack !== undefined);
  // Whole-drill phases (preflight, restore-delivery) have no per-stack time: only phases some stack took part in.
  const phases = DRILL_PHASES.filter((phase) => stackSteps.some((s) => s.phase === phase));
  const rows = report.stacks.map((stack) => [
    stack.stack,
    stack.version,
    STEP_LABEL[stack.outcome],
    stack.verifiedAfterSeconds === undefined ? 'not verified' : formatSeconds(stack.verifiedAfterSeconds),
    ...phases.map((phase) => phaseCell(stackSteps.filter((s) => s.stack === stack.stack && s.phase === phase))),
  ]);
  return ['', '### Stacks', '', 'Seconds per phase; verified after: seconds from the start of the drill.', '', table(['Stack', 'Version', 'Outcome', 'Verified after', ...phases], rows)];
}

function cleanupSection(report: DrillReport): string[] {
  const status = report.cleanup.ran
    ? 'Cleanup ran.'
    : report.mode === 'plan-only'
      ? 'Cleanup did not run: a plan-only drill deploys nothing.'
      : report.cleanup.kept
        ? 'Cleanup did not run (kept with --keep): the drill environment is still deployed.'
        : 'Cleanup did not run: the drill stopped before it deployed anything.';
  const kept = report.cleanup.stateKeptIn;
  const where = kept ? ['', `The state is kept in \`${kept.location}\`. To tear down what is left: \`${kept.command}\`.`] : [];
  const left = Object.entries(report.cleanup.leftInState)
    .filter(([, addresses]) => addresses.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (left.length === 0) return ['', '### Cleanup', '', `${status}${report.cleanup.ran ? ' Nothing left in state.' : ''}`, ...where];
  return [
    '',
    '### Cleanup',
    '',
    `${status} Left in state, by stack:`,
    '',
    ...left.flatMap(([stack, addresses]) => [
      `- ${stack}: ${addresses.length} ${addresses.length === 1 ? 'resource' : 'resources'}`,
      ...addresses.map((address) => `  - \`${address}\``),
    ]),
    ...where,
  ];
}

/** Bars start and end in milliseconds from the drill's start (`dateFormat x`), one section per phase. */
function ganttSection(report: DrillReport): string[] {
  const drillStart = Date.parse(report.startedAt);
  const lines = [
    '```mermaid',
    'gantt',
    `  title ${ganttLabel(`Drill of ${report.environment} ${report.id}`)}`,
    '  dateFormat x',
    '  axisFormat %M:%S',
    '  todayMarker off',
  ];
  let task = 0;
  for (const phase of DRILL_PHASES) {
    const steps = report.steps.filter((s) => s.phase === phase).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    if (steps.length === 0) continue;
    lines.push(`  section ${phase}`);
    for (const step of steps) {
      const start = Math.max(0, Date.parse(step.startedAt) - drillStart);
      // At least a millisecond: a bar must end after it starts.
      const end = start + Math.max(1, Math.round(step.seconds * 1000));
      const label = ganttLabel(`${step.stack ? `${step.stack} ` : ''}${step.name}${step.outcome === 'skipped' ? ' (skipped)' : ''}`);
      lines.push(`  ${label} :${step.outcome === 'failed' ? 'crit, ' : ''}step${++task}, ${start}, ${end}`);
    }
  }
  lines.push('```');
  return ['', '### Timeline', '', ...lines];
}

function rtoDeltaText(report: DrillReport, trend: DrillTrend): string {
  if (trend.rtoDeltaSeconds === null) return report.rtoSeconds === null ? 'none: this drill has no RTO' : 'no earlier passing drill';
  const amount = Math.abs(trend.rtoDeltaSeconds).toFixed(1);
  if (amount === '0.0') return 'no change';
  return `${amount} s ${trend.rtoDeltaSeconds < 0 ? 'faster' : 'slower'}`;
}

function trendSection(report: DrillReport, trend: DrillTrend): string[] {
  const counted = !stoppedAtPreflight(report);
  const rows = [
    ...trend.earlier.map((drill) => [drill.id, OUTCOME_TITLE[drill.outcome], rtoText(drill), formatSeconds(drill.wallSeconds)]),
    ...(counted ? [[`${report.id} (this drill)`, OUTCOME_TITLE[report.outcome], rtoText(report), formatSeconds(report.wallSeconds)]] : []),
  ];
  const total = rows.length;
  const passed = trend.earlier.filter((d) => d.outcome === 'passed').length + (counted && report.outcome === 'passed' ? 1 : 0);
  const kind = `${MODE_LABEL[report.mode]} drills of ${report.environment}`;
  const scope = !counted
    ? `This drill stopped at preflight before rebuilding anything, so it is not counted; ${trend.earlier.length === 0 ? `no earlier ${kind} in the store.` : `the ${trend.earlier.length} before it (${kind}, at most the last ten):`}`
    : trend.earlier.length === 0
      ? `No earlier ${kind} in the store.`
      : `This drill and the ${trend.earlier.length} before it (${kind}, at most the last ten; drills stopped at preflight are not counted).`;
  if (total === 0) return ['', '### Trend', '', scope];
  return [
    '',
    '### Trend',
    '',
    scope,
    '',
    table(['Drill', 'Outcome', 'RTO', 'Wall time'], rows),
    '',
    `- RTO against the previous passing drill: ${rtoDeltaText(report, trend)}`,
    `- Median RTO of the earlier passing drills: ${trend.medianRtoSeconds === null ? 'no earlier passing drill' : formatSeconds(trend.medianRtoSeconds)}`,
    `- Pass rate: ${trend.passRate === null ? 'no drill counted' : formatPercent(trend.passRate)} (${passed} of ${total} ${total === 1 ? 'drill' : 'drills'})`,
  ];
}
