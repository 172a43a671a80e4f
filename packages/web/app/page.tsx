import { Uploader } from "@/components/uploader.tsx";

const steps = [
  {
    title: "Upload a photo",
    text: "Your image goes straight to private storage; only this browser can see it.",
  },
  {
    title: "Watch the variations appear",
    text: "Usually within a minute. Compare each with the original using the slider.",
  },
  {
    title: "Keep and keep going",
    text: "Download one or all of them, or pick a favourite and vary it again.",
  },
];

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
      <section
        aria-labelledby="how-heading"
        className="border-zinc-200 border-t pt-8 dark:border-zinc-800"
      >
        <h2 id="how-heading" className="font-semibold text-lg">
          How it works
        </h2>
        <ol className="mt-4 grid gap-4 sm:grid-cols-3">
          {steps.map((step, i) => (
            <li key={step.title} className="flex gap-3">
              <span
                aria-hidden="true"
                className="flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-100 font-semibold text-brand-800 text-sm dark:bg-brand-900/60 dark:text-brand-100"
              >
                {i + 1}
              </span>
              <div>
                <p className="font-medium">{step.title}</p>
                <p className="text-sm text-zinc-600 dark:text-zinc-400">{step.text}</p>
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
