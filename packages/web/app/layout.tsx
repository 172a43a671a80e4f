import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { NetworkBanner } from "@/components/network-banner.tsx";
import { SiteHeader } from "@/components/site-header.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "ArtAI — new variations of your image", template: "%s · ArtAI" },
  description: "Upload a photo and ArtAI makes up to four AI variations of it in seconds.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so each gets the fresh CSP nonce that proxy.ts makes.
  await connection();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="flex min-h-dvh flex-col font-sans">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-brand-600 px-3 py-2 text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <SiteHeader />
        <noscript>
          <p className="border-amber-300 border-b bg-amber-50 px-4 py-2 text-center text-amber-950 text-sm">
            ArtAI needs JavaScript to upload images and show your variations. Please turn it on.
          </p>
        </noscript>
        <NetworkBanner />
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 pt-6 pb-16 sm:px-6 lg:px-8">
          {children}
        </main>
        <footer className="border-zinc-200 border-t py-6 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          ArtAI keeps your images private to this browser. Delete them any time from History.
        </footer>
      </body>
    </html>
  );
}
