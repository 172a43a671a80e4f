import type { Metadata } from "next";
import { HistoryList } from "@/components/history-list.tsx";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="font-semibold text-2xl tracking-tight sm:text-3xl">History</h1>
        <p className="mt-1 text-zinc-600 dark:text-zinc-400">
          Everything this browser has made, newest first. Deleting a job deletes its images too.
        </p>
      </div>
      <HistoryList />
    </div>
  );
}
