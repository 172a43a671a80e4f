import type { JobParent, JobView } from "@artai/core/contract";
import Link from "next/link";
import { shortId } from "@/lib/format.ts";
import type { Lineage } from "@/lib/use-job.ts";

function describeFrom(parent: JobParent): string {
  return parent.variation === undefined
    ? `the original of job ${shortId(parent.jobId)}`
    : `variation ${parent.variation + 1} of job ${shortId(parent.jobId)}`;
}

/** Where a job came from (its ancestry, oldest first) and the jobs made from it. */
export function LineagePanel({ job, lineage }: { job: JobView; lineage: Lineage | null }) {
  const hasHistory = Boolean(job.parent) || (lineage?.children.length ?? 0) > 0;
  if (!hasHistory) return null;
  return (
    <section
      aria-labelledby="lineage-heading"
      className="rounded-2xl border border-zinc-200 p-5 dark:border-zinc-800"
    >
      <h2 id="lineage-heading" className="font-semibold">
        Lineage
      </h2>
      {job.parent ? (
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
          Made from{" "}
          {lineage?.missingParent === job.parent.jobId ? (
            <span>{describeFrom(job.parent)} (since deleted)</span>
          ) : (
            <Link
              href={`/jobs/${job.parent.jobId}`}
              className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
            >
              {describeFrom(job.parent)}
            </Link>
          )}
          .
        </p>
      ) : null}
      {lineage && (lineage.ancestors.length > 0 || lineage.missingParent) ? (
        <ol
          aria-label="Ancestry, oldest first"
          className="mt-4 flex flex-wrap items-center gap-2 text-sm"
        >
          {lineage.missingParent && lineage.missingParent !== job.parent?.jobId ? (
            <li className="text-zinc-500">Earlier job (deleted) →</li>
          ) : null}
          {lineage.ancestors.map((ancestor) => (
            <li key={ancestor.id} className="flex items-center gap-2">
              <Link
                href={`/jobs/${ancestor.id}`}
                className="flex items-center gap-2 rounded-lg border border-zinc-200 p-1 pr-3 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900"
              >
                <Thumb job={ancestor} />
                <span className="font-mono text-xs">Job {shortId(ancestor.id)}</span>
              </Link>
              <span aria-hidden="true">→</span>
            </li>
          ))}
          <li
            className="flex items-center gap-2 rounded-lg border border-brand-300 p-1 pr-3 dark:border-brand-700"
            aria-current="page"
          >
            <Thumb job={job} />
            <span className="font-mono text-xs">This job</span>
          </li>
        </ol>
      ) : null}
      {lineage && lineage.children.length > 0 ? (
        <div className="mt-4">
          <h3 className="font-medium text-sm">Made from this job</h3>
          <ul className="mt-2 flex flex-wrap gap-2">
            {lineage.children.map((child) => (
              <li key={child.id}>
                <Link
                  href={`/jobs/${child.id}`}
                  className="flex items-center gap-2 rounded-lg border border-zinc-200 p-1 pr-3 text-sm hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900"
                >
                  <Thumb job={child} />
                  <span className="font-mono text-xs">
                    Job {shortId(child.id)}
                    {child.parent?.variation !== undefined
                      ? ` (from variation ${child.parent.variation + 1})`
                      : " (vary again)"}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function Thumb({ job }: { job: JobView }) {
  const url = job.variations[0]?.url ?? job.input?.url;
  return url ? (
    // biome-ignore lint/performance/noImgElement: presigned cross-origin URL that expires
    <img src={url} alt="" className="size-10 rounded-md object-cover" />
  ) : (
    <span className="size-10 rounded-md bg-zinc-200 dark:bg-zinc-800" />
  );
}
