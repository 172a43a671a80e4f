import Link from "next/link";
import { buttonStyles } from "@/components/ui.tsx";

export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-xl flex-col gap-4 py-10">
      <h1 className="font-semibold text-2xl">Page not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There's nothing at this address.</p>
      <div>
        <Link href="/" className={buttonStyles.primary}>
          Upload an image
        </Link>
      </div>
    </div>
  );
}
