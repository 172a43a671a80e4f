import type { Metadata } from "next";
import { StatusDashboard } from "@/components/status-dashboard.tsx";

export const metadata: Metadata = {
  title: "Status",
  robots: { index: false, follow: false },
};

/** The operators' status page: requests against the alarm threshold, queues, latency, model. */
export default function StatusPage() {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="font-semibold text-2xl tracking-tight sm:text-3xl">Status</h1>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          For ArtAI&apos;s operators: API requests against the 24-hour alarm, the spend breaker,
          queues, job latency and the model.
        </p>
      </div>
      <StatusDashboard />
    </div>
  );
}
