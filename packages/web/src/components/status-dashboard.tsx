"use client";

import type { Percentiles, QueueDepth, StatusView } from "@artai/core/contract";
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { StatusRequestsChart } from "./status-requests-chart.tsx";
import { Button, Notice, Spinner } from "./ui.tsx";

const TOKEN_KEY = "artai-status-token";
const REFRESH_MS = 30_000;

type Load =
  | { kind: "signed-out"; error?: string }
  | { kind: "loading" }
  | { kind: "ready"; status: StatusView }
  | { kind: "failed"; message: string };

async function fetchStatus(token: string): Promise<StatusView | "unauthorized"> {
  const res = await fetch("/api/status", {
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    cache: "no-store",
  });
  if (res.status === 401) return "unauthorized";
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The status API answered ${res.status}.`);
  }
  return (await res.json()) as StatusView;
}

const seconds = (ms: number) =>
  ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function Card({ title, children }: { title: string; children: ReactNode }) {
  const id = `status-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section
      aria-labelledby={id}
      className="rounded-xl border border-zinc-200 p-4 sm:p-5 dark:border-zinc-800"
    >
      <h2 id={id} className="font-semibold text-lg">
        {title}
      </h2>
      <div className="mt-3">{children}</div>
    </section>
  );
}

/** Label and value pairs, in the order shown. */
type Rows = [string, ReactNode][];

function Figures({ rows }: { rows: Rows }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
          <dd className="font-medium font-mono tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A card of figures (with `children` above them), or "<missing> are unavailable." when the status
 * could not read its section (`rows` null).
 */
function FiguresCard({
  title,
  rows,
  missing,
  children,
}: {
  title: string;
  rows: Rows | null;
  missing: string;
  children?: ReactNode;
}) {
  return (
    <Card title={title}>
      {rows ? (
        <div className="flex flex-col gap-3">
          {children}
          <Figures rows={rows} />
        </div>
      ) : (
        <p>{missing} are unavailable.</p>
      )}
    </Card>
  );
}

function Badge({ tone, children }: { tone: "good" | "bad" | "neutral"; children: ReactNode }) {
  const tones = {
    good: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
    bad: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
    neutral: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  };
  return (
    <span className={`rounded-full px-2.5 py-0.5 font-semibold text-xs ${tones[tone]}`}>
      {children}
    </span>
  );
}

const MODEL_TONE = { healthy: "good", degraded: "bad", idle: "neutral" } as const;

const queueRows = (name: string, q: QueueDepth): Rows => [
  [`${name}: waiting`, q.visible],
  [`${name}: in flight`, q.inFlight],
  [`${name}: delayed`, q.delayed],
];

const latencyRows = (name: string, p: Percentiles | null): Rows =>
  p
    ? [
        [`${name} p50`, seconds(p.p50)],
        [`${name} p90`, seconds(p.p90)],
        [`${name} p99`, seconds(p.p99)],
      ]
    : [[name, "no finished jobs"]];

const queueFigures = (queues: StatusView["queues"]): Rows | null =>
  queues && [...queueRows("Jobs", queues.jobs), ...queueRows("Dead letters", queues.deadLetter)];

const jobFigures = (jobs: StatusView["jobs"]): Rows | null =>
  jobs && [
    ["Succeeded", jobs.succeeded],
    ["Failed", jobs.failed],
    ...latencyRows("Total", jobs.total),
    ...latencyRows("Processing", jobs.processing),
  ];

const modelFigures = (model: StatusView["model"]): Rows | null =>
  model && [
    ["Invocations", model.invocations],
    ["Server errors", model.errors5xx],
    ["Refused images", model.errors4xx],
    ["Average latency", model.latencyMs === null ? "—" : seconds(model.latencyMs)],
  ];

function Dashboard({ status }: { status: StatusView }) {
  const { requests, breaker, queues, jobs, model } = status;
  return (
    <div className="flex flex-col gap-4">
      {status.problems.length > 0 ? (
        <Notice tone="warning" title="Some figures could not be read">
          <ul className="list-disc pl-5">
            {status.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Notice>
      ) : null}

      <Card title="API requests, last 24 hours">
        {requests ? (
          <div className="flex flex-col gap-4">
            <p className="flex flex-wrap items-center gap-3">
              <span className="font-semibold text-3xl tabular-nums">
                {requests.last24h.toLocaleString()}
              </span>
              <span className="text-zinc-600 dark:text-zinc-400">
                of {requests.threshold.toLocaleString()} before the alarm
              </span>
              <Badge tone={requests.state === "OK" ? "good" : "bad"}>Alarm: {requests.state}</Badge>
              {breaker ? (
                <Badge tone={breaker.paused ? "bad" : "good"}>
                  {breaker.paused ? "New jobs paused" : "New jobs accepted"}
                </Badge>
              ) : null}
            </p>
            <StatusRequestsChart requests={requests} />
            <details className="text-sm">
              <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
                Requests by hour, as a table
              </summary>
              <table className="mt-2 w-full max-w-sm text-left font-mono tabular-nums">
                <thead>
                  <tr>
                    <th scope="col">Hour starting</th>
                    <th scope="col">Requests</th>
                  </tr>
                </thead>
                <tbody>
                  {requests.hourly.map((h) => (
                    <tr key={h.start}>
                      <td>{new Date(h.start).toLocaleString()}</td>
                      <td>{h.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </div>
        ) : (
          <p>Request counts are unavailable.</p>
        )}
      </Card>

      <div className="grid gap-4 md:grid-cols-3">
        <FiguresCard title="Queues" rows={queueFigures(queues)} missing="Queue depths" />
        <FiguresCard
          title="Job latency, last 24 hours"
          rows={jobFigures(jobs)}
          missing="Job figures"
        />
        <FiguresCard title="Model, last hour" rows={modelFigures(model)} missing="Model figures">
          {model ? (
            <p>
              <Badge tone={MODEL_TONE[model.health]}>Model: {model.health}</Badge>
            </p>
          ) : null}
        </FiguresCard>
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Updated {new Date(status.generatedAt).toLocaleTimeString()}; refreshes every 30 seconds.
      </p>
    </div>
  );
}

/** Asks for the operators' token, then shows the status and keeps it fresh. */
export function StatusDashboard() {
  const [token, setToken] = useState<string | null>(null);
  const [load, setLoad] = useState<Load>({ kind: "signed-out" });

  const refresh = useCallback(async (current: string) => {
    try {
      const answer = await fetchStatus(current);
      if (answer === "unauthorized") {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        setLoad({ kind: "signed-out", error: "That token is not the operators' status token." });
        return;
      }
      setLoad({ kind: "ready", status: answer });
    } catch (error) {
      setLoad({ kind: "failed", message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) setToken(saved);
  }, []);

  useEffect(() => {
    if (!token) return;
    setLoad((l) => (l.kind === "ready" ? l : { kind: "loading" }));
    void refresh(token);
    const timer = setInterval(() => void refresh(token), REFRESH_MS);
    return () => clearInterval(timer);
  }, [token, refresh]);

  const signIn = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("token") ?? "").trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    setToken(value);
  };

  if (!token) {
    return (
      <form onSubmit={signIn} className="flex max-w-md flex-col gap-3">
        {load.kind === "signed-out" && load.error ? (
          <Notice title="Not signed in">{load.error}</Notice>
        ) : null}
        <label htmlFor="status-token" className="font-medium text-sm">
          Operator token
        </label>
        <input
          id="status-token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          className="rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Locally, <code>pnpm dev</code> prints it; on AWS it is the <code>StatusToken</code>{" "}
          secret.
        </p>
        <Button type="submit" variant="primary" className="self-start">
          Show status
        </Button>
      </form>
    );
  }

  if (load.kind === "ready") return <Dashboard status={load.status} />;
  if (load.kind === "failed") {
    return (
      <Notice
        title="The status could not be loaded"
        actions={
          <Button onClick={() => void refresh(token)} variant="secondary">
            Try again
          </Button>
        }
      >
        {load.message}
      </Notice>
    );
  }
  return (
    <p role="status" className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
      <Spinner /> Loading the status…
    </p>
  );
}
