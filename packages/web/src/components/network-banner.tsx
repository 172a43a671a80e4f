"use client";

import { useOnline } from "@/lib/use-online.ts";

/** Tells the person when the browser has lost its connection; pages carry on once it is back. */
export function NetworkBanner() {
  const online = useOnline();
  if (online) return null;
  return (
    <div
      role="status"
      className="border-amber-300 border-b bg-amber-50 px-4 py-2 text-center text-amber-950 text-sm dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      You're offline. Jobs keep running on ArtAI, and this page picks up where it left off when your
      connection is back.
    </div>
  );
}
