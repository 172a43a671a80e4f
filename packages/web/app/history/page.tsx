import type { Metadata } from "next";
import { HistoryList } from "@/components/history-list.tsx";
import { Page } from "@/components/ui.tsx";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return (
    <Page
      title="History"
      intro="Everything this browser has made, newest first. Deleting a job deletes its images too."
    >
      <HistoryList />
    </Page>
  );
}
