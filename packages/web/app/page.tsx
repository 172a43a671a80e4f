import { Uploader } from "@/components/uploader.tsx";

export default function HomePage() {
  return (
    <div className="flex flex-col gap-8">
      <div className="max-w-2xl">
        <h1 className="text-balance font-semibold text-3xl tracking-tight sm:text-4xl">
          New takes on your image, in seconds
        </h1>
        <p className="mt-3 text-pretty text-zinc-600 sm:text-lg dark:text-zinc-400">
          Drop in a photo and ArtAI paints up to four fresh variations of it. Compare each with your
          original, keep the ones you like, and vary them again.
        </p>
      </div>
      <Uploader />
    </div>
  );
}
