import { STYLES } from "@artai/core/contract";
/** "2.4 MiB", "830 KiB": binary units, so sizes read in the units the 10 MiB limit is enforced in. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** "0:07", "1:02:03". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** "7 seconds", "2 minutes 5 seconds": the same span, for screen readers. */
export function formatElapsedWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  const sec = `${s} second${s === 1 ? "" : "s"}`;
  return m > 0 ? `${m} minute${m === 1 ? "" : "s"} ${sec}` : sec;
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "2 minutes ago", "yesterday". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  return relative.format(Math.round(seconds / 86_400), "day");
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A fresh random seed in the API's range (0..2^32-1). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

/** A style's name as people read it ("Watercolour"), from the contract's list. */
export function styleName(id: string): string {
  return STYLES.find((s) => s.id === id)?.name ?? id;
}
