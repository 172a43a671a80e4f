"use client";

import { isTerminal, type JobView } from "@artai/core/contract";
import { useEffect, useState } from "react";
import { serverNow } from "@/lib/api.ts";
import { formatElapsed, formatElapsedWords } from "@/lib/format.ts";
import { LineIcon } from "./ui.tsx";

const steps = [
  { key: "queued", label: "Queued" },
  { key: "processing", label: "Processing" },
  { key: "done", label: "Done" },
] as const;

function stepIndex(job: JobView): number {
  if (job.status === "queued") return 0;
  if (job.status === "processing") return 1;
  return 2;
}

/** Ticks once a second while `running`; no network, just the clock. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (!running) return;
    setNow(serverNow());
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/** Queued → Processing → Done, with the time the job has taken so far (or took). */
export function StatusSteps({ job }: { job: JobView }) {
  const terminal = isTerminal(job.status);
  const now = useNow(!terminal);
  const end = terminal ? Date.parse(job.updatedAt) : Math.max(now, Date.parse(job.createdAt));
  const elapsed = end - Date.parse(job.createdAt);
  const active = stepIndex(job);
  const failed = job.status === "failed";

  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
      <ol aria-label="Progress" className="flex flex-wrap items-center gap-1.5 text-sm sm:gap-2">
        {steps.map((step, i) => {
          const state =
            i < active || (i === active && terminal && !failed)
              ? "complete"
              : i === active
                ? "current"
                : "upcoming";
          const label = i === 2 && failed ? "Failed" : step.label;
          return (
            <li
              key={step.key}
              className="flex items-center gap-2"
              aria-current={i === active ? "step" : undefined}
            >
              {i > 0 ? (
                <span
                  aria-hidden="true"
                  className={`h-px w-3 sm:w-10 ${i <= active ? "bg-brand-500" : "bg-zinc-300 dark:bg-zinc-700"}`}
                />
              ) : null}
              <span
                className={`flex items-center gap-1.5 rounded-full px-2.5 py-1 font-medium sm:px-3 ${
                  state === "complete"
                    ? "bg-brand-100 text-brand-900 dark:bg-brand-900/60 dark:text-brand-100"
                    : state === "current"
                      ? failed
                        ? "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100"
                        : "bg-brand-600 text-white dark:bg-brand-400 dark:text-zinc-950"
                      : "bg-zinc-100 text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400"
                }`}
              >
                {state === "complete" ? <Check /> : null}
                {state === "current" && !terminal ? (
                  <span
                    aria-hidden="true"
                    className="size-2 animate-pulse rounded-full bg-current motion-reduce:animate-none"
                  />
                ) : null}
                {label}
                <span className="sr-only">
                  {i === 2 && terminal
                    ? ""
                    : state === "complete"
                      ? ", finished"
                      : state === "current"
                        ? ", in progress"
                        : ", to come"}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {terminal ? "Took" : "Elapsed"}{" "}
        <time
          dateTime={`PT${Math.max(0, Math.floor(elapsed / 1000))}S`}
          className="font-mono text-zinc-900 tabular-nums dark:text-zinc-100"
        >
          <span aria-hidden="true">{formatElapsed(elapsed)}</span>
          <span className="sr-only">{formatElapsedWords(elapsed)}</span>
        </time>
      </p>
    </div>
  );
}

function Check() {
  return <LineIcon d="M3.5 8.5l3 3 6-7" box={16} className="size-3.5" />;
}
