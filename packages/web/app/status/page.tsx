import type { Metadata } from "next";
import { StatusDashboard } from "@/components/status-dashboard.tsx";
import { Page } from "@/components/ui.tsx";

export const metadata: Metadata = {
  title: "Status",
  robots: { index: false, follow: false },
};

/** The operators' status page: requests against the alarm threshold, queues, latency, model. */
export default function StatusPage() {
  return (
    <Page
      title="Status"
      intro="For ArtAI's operators: API requests against the 24-hour alarm, the spend breaker, queues, job latency and the model."
    >
      <StatusDashboard />
    </Page>
  );
}
