"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const links = [
  { href: "/", label: "New" },
  { href: "/history", label: "History" },
] as const;

export function SiteHeader() {
  const pathname = usePathname();
  return (
    <header className="sticky top-0 z-30 border-zinc-200/80 border-b bg-white/80 backdrop-blur dark:border-zinc-800/80 dark:bg-zinc-950/80">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4 sm:px-6 lg:px-8">
        <Link
          href="/"
          className="flex items-center gap-2 rounded-md font-semibold text-lg tracking-tight"
        >
          <Logo />
          ArtAI
        </Link>
        <nav aria-label="Main">
          <ul className="flex items-center gap-1">
            {links.map((link) => {
              const current = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
              return (
                <li key={link.href}>
                  {/* No prefetch: a first visit downloads only what its own page needs. */}
                  <Link
                    href={link.href}
                    prefetch={false}
                    aria-current={current ? "page" : undefined}
                    className="rounded-md px-3 py-2 font-medium text-sm text-zinc-700 hover:bg-zinc-100 aria-[current=page]:bg-zinc-100 aria-[current=page]:text-zinc-950 dark:text-zinc-300 dark:aria-[current=page]:bg-zinc-800 dark:aria-[current=page]:text-white dark:hover:bg-zinc-800"
                  >
                    {link.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>
    </header>
  );
}

function Logo() {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7">
      <defs>
        <linearGradient id="artai-logo" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="oklch(0.7 0.18 295)" />
          <stop offset="1" stopColor="oklch(0.65 0.2 20)" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#artai-logo)" />
      <path d="M9 22 14 10h4l5 12h-3.4l-1-2.6h-5.2l-1 2.6Zm5.6-5.4h3.2L16.2 12.4Z" fill="white" />
    </svg>
  );
}
