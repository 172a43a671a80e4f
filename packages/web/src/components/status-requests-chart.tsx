"use client";

import type { StatusView } from "@artai/core/contract";
import { useEffect, useRef } from "react";

type Requests = NonNullable<StatusView["requests"]>;

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * Requests per hour over the last 24 hours (bars), their running total across the window (line)
 * and the alarm threshold (dashed), drawn with Chart.js. Chart.js is loaded only when this chart
 * mounts, so no other page ever downloads it.
 */
export function StatusRequestsChart({ requests }: { requests: Requests }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<{ destroy(): void } | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const chartJs = await import("chart.js");
      if (cancelled || !canvas.current) return;
      const { Chart } = chartJs;
      // Only the parts this chart draws with (a bar and line chart, its scales, legend and tooltip).
      Chart.register(
        ...[
          chartJs.BarController,
          chartJs.BarElement,
          chartJs.CategoryScale,
          chartJs.Legend,
          chartJs.LinearScale,
          chartJs.LineController,
          chartJs.LineElement,
          chartJs.PointElement,
          chartJs.Tooltip,
        ],
      );
      let total = 0;
      const running = requests.hourly.map((h) => {
        total += h.count;
        return total;
      });
      const muted = "#71717a";
      chart.current?.destroy();
      chart.current = new Chart(canvas.current, {
        type: "bar",
        data: {
          labels: requests.hourly.map((h) => hourLabel(h.start)),
          datasets: [
            {
              type: "bar",
              label: "Requests per hour",
              data: requests.hourly.map((h) => h.count),
              backgroundColor: "rgba(124, 58, 237, 0.55)",
              yAxisID: "perHour",
              order: 2,
            },
            {
              type: "line",
              label: "Running total (24 h window)",
              data: running,
              borderColor: "#2563eb",
              backgroundColor: "#2563eb",
              pointRadius: 0,
              borderWidth: 2,
              yAxisID: "total",
              order: 1,
            },
            {
              type: "line",
              label: `Alarm threshold (${requests.threshold.toLocaleString()})`,
              data: requests.hourly.map(() => requests.threshold),
              borderColor: "#dc2626",
              backgroundColor: "#dc2626",
              borderDash: [6, 4],
              pointRadius: 0,
              borderWidth: 2,
              yAxisID: "total",
              order: 0,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { color: muted } } },
          scales: {
            x: { ticks: { color: muted, maxRotation: 0, autoSkipPadding: 12 } },
            perHour: {
              type: "linear",
              position: "left",
              beginAtZero: true,
              ticks: { color: muted, precision: 0 },
              title: { display: true, text: "per hour", color: muted },
            },
            total: {
              type: "linear",
              position: "right",
              beginAtZero: true,
              suggestedMax: requests.threshold * 1.1,
              grid: { drawOnChartArea: false },
              ticks: { color: muted, precision: 0 },
              title: { display: true, text: "in the window", color: muted },
            },
          },
        },
      });
      canvas.current.dataset.rendered = "true";
    })();
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [requests]);

  return (
    <div className="relative h-72 w-full">
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Chart: ${requests.last24h.toLocaleString()} API requests in the last 24 hours against an alarm threshold of ${requests.threshold.toLocaleString()}, by hour.`}
      />
    </div>
  );
}
