import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";

/**
 * The CPU's fp32 peak, for GFLOP/s figures: cores × clock × FMA units × SIMD lanes × 2 FLOP per
 * FMA. The clock is the nominal one /proc/cpuinfo reports (a VM shows no turbo, and AVX-512 code
 * may run below it); AVX-512 gives 16 fp32 lanes, AVX2 8; Xeons with AVX-512 (Skylake-SP and
 * later server parts) have two FMA units per core, and so do AVX2 cores since Haswell.
 */
export function cpuPeak(cores = availableParallelism()): { gflops: number; how: string } {
  let info = "";
  try {
    info = readFileSync("/proc/cpuinfo", "utf8");
  } catch {}
  const flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1]?.split(" ") ?? [];
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? cpus()[0]?.speed ?? 0);
  const simd = flags.includes("avx512f") ? "AVX-512" : flags.includes("avx2") ? "AVX2" : "SSE";
  const lanes = simd === "AVX-512" ? 16 : simd === "AVX2" ? 8 : 4;
  const fmaUnits = flags.includes("fma") ? 2 : 1;
  const gflops = (cores * mhz * fmaUnits * lanes * 2) / 1000;
  return {
    gflops,
    how: `${cores} cores × ${(mhz / 1000).toFixed(2)} GHz × ${fmaUnits} FMA units × ${lanes} fp32 lanes (${simd}) × 2 FLOP = ${gflops.toFixed(0)} GFLOP/s`,
  };
}
