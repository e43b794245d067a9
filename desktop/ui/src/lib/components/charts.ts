// Data shapes of the chart components, importable from plain .ts files.

/** A BarChart row: [label, value, colour?] (colour any CSS colour, default navy). */
export type Bar = [label: string, value: number, colour?: string];

/** A StackedBar part. */
export type Segment = { label: string; value: number; colour: string };

/** A LineChart point: x is the axis label (e.g. "2026-03"), y the value. */
export type Point = { x: string; y: number };

/** A Timeline entry: `when` is a date ("2026-12-03") or an instant (RFC 3339). */
export type TimelineEntry = { when: string; title: string; detail?: string };
