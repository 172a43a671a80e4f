import type { Metadata } from "next";
import { JobView } from "@/components/job-view.tsx";

export const metadata: Metadata = { title: "Your variations" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <JobView key={id} id={id} />;
}
