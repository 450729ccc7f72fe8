/**
 * What the statistics view asks the charts script (stats-charts.ts, a bundle of its own) to draw, and what
 * that script offers on `window.consoleCharts` once loaded. Types only: the app never bundles chart.js.
 */
export interface BarChartSpec {
  /** One bar (or group of bars) per label: days, channels, teams… */
  labels: string[];
  /** One colour per series, in the legend when there are several. */
  series: Array<{ label: string; values: number[] }>;
}

export interface DrawnChart {
  destroy(): void;
}

export interface ConsoleCharts {
  /** Draws bars on `canvas` (no animation: the numbers are there at once, also for tests and reduced motion). */
  bar(canvas: HTMLCanvasElement, spec: BarChartSpec): DrawnChart;
}

declare global {
  interface Window {
    consoleCharts?: ConsoleCharts;
  }
}
