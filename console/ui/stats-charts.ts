import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale } from 'chart.js';
import type { BarChartSpec, ConsoleCharts } from './chart-spec';

/*
 * Entry of the charts script (/console/charts.js, see console-assets' CHARTS_SCRIPT): chart.js with only
 * the bar chart's controller, element, scales and legend registered, so the rest of it is left out of the
 * bundle. chart.js draws on canvas and needs neither eval nor a stylesheet, so the console's CSP holds.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

/** The console's blue (its accent) and a contrasting orange and green (each at least 3:1 against white, WCAG 1.4.11). */
const COLOURS = ['#0b5394', '#c2410c', '#15803d', '#7e22ce'];

const charts: ConsoleCharts = {
  bar(canvas: HTMLCanvasElement, spec: BarChartSpec) {
    return new Chart(canvas, {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: spec.series.length > 1 } },
      },
    });
  },
};

window.consoleCharts = charts;
