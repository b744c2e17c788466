import { markdownTable } from '@platform/workspace';

/** A figure beside its goal: the ratio is the figure over the goal, so at most 1.00 meets it. */
export interface GoalRow {
  readonly measure: string;
  readonly figure: string;
  readonly goal: string;
  readonly ratio: number;
}

export function goalTable(rows: readonly GoalRow[]): string {
  return markdownTable(
    ['Measure', 'Figure', 'Goal', 'Figure / goal', 'Meets'],
    rows.map((r) => [r.measure, r.figure, r.goal, r.ratio.toFixed(2), r.ratio <= 1 ? 'yes' : 'no']),
  );
}
