import type { Metadata } from "next";
import { JobScreen } from "@/components/job-screen.tsx";

export const metadata: Metadata = { title: "Your variations" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <JobScreen key={id} id={id} />;
}
