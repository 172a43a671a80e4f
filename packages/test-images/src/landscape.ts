import sharp from "sharp";

/** The colours of a painted landscape: the sky from top to horizon, three ridges, the sun's glow. */
export interface Palette {
  sky: string[];
  hills: string[];
  sun: string;
}

function landscapeSvg(width: number, height: number, seed: number, palette: Palette) {
  const horizon = Math.round(height * 0.62);
  const ridge = (base: number, amp: number, freq: number, phase: number) => {
    const points: string[] = [];
    for (let x = 0; x <= width; x += 8) {
      const y =
        base +
        Math.sin(x / (width / freq) + phase) * amp +
        Math.sin(x / (width / (freq * 2.7)) + phase * 1.7) * amp * 0.35 +
        Math.sin(x / (width / (freq * 7.1)) + phase * 0.3) * amp * 0.12 +
        Math.sin(x / (width / (freq * 19.3)) + phase * 2.1) * amp * 0.05 +
        Math.abs(Math.sin(x / (width / (freq * 4.3)) + phase)) * -amp * 0.6;
      points.push(`${x},${y.toFixed(1)}`);
    }
    return `M0,${height} L${points.join(" L")} L${width},${height} Z`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      ${palette.sky.map((c, i) => `<stop offset="${i / (palette.sky.length - 1)}" stop-color="${c}"/>`).join("")}
    </linearGradient>
    <radialGradient id="sun" cx="0.68" cy="0.5" r="0.35">
      <stop offset="0" stop-color="${palette.sun}" stop-opacity="1"/>
      <stop offset="0.08" stop-color="${palette.sun}" stop-opacity="0.9"/>
      <stop offset="1" stop-color="${palette.sun}" stop-opacity="0"/>
    </radialGradient>
    <filter id="clouds" x="0" y="0" width="100%" height="100%">
      <feTurbulence type="fractalNoise" baseFrequency="0.004 0.012" numOctaves="5" seed="${seed}"/>
      <feColorMatrix values="0 0 0 0 1  0 0 0 0 0.97  0 0 0 0 0.94  0 0 0 1.6 -0.75"/>
    </filter>
    <filter id="rock" x="0" y="0" width="100%" height="100%">
      <feTurbulence type="fractalNoise" baseFrequency="0.03 0.08" numOctaves="4" seed="${seed + 1}" result="n"/>
      <feColorMatrix in="n" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0.55 0" result="shade"/>
      <feComposite in="shade" in2="SourceGraphic" operator="in" result="textured"/>
      <feMerge><feMergeNode in="SourceGraphic"/><feMergeNode in="textured"/></feMerge>
    </filter>
    <filter id="water" x="0" y="0" width="100%" height="100%">
      <feTurbulence type="turbulence" baseFrequency="0.002 0.09" numOctaves="3" seed="${seed + 2}" result="w"/>
      <feDisplacementMap in="SourceGraphic" in2="w" scale="18" xChannelSelector="R" yChannelSelector="G"/>
    </filter>
    <clipPath id="below"><rect y="${horizon}" width="${width}" height="${height - horizon}"/></clipPath>
    <linearGradient id="fade" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#000" stop-opacity="0.15"/>
      <stop offset="1" stop-color="#000" stop-opacity="0.55"/>
    </linearGradient>
  </defs>
  <rect width="${width}" height="${horizon}" fill="url(#sky)"/>
  <rect width="${width}" height="${horizon}" fill="url(#sun)"/>
  <rect width="${width}" height="${horizon}" filter="url(#clouds)" opacity="0.8"/>
  <g filter="url(#rock)">
    <path d="${ridge(horizon - height * 0.2, height * 0.08, 1.3, seed)}" fill="${palette.hills[0]}"/>
    <path d="${ridge(horizon - height * 0.1, height * 0.06, 2.1, seed * 2)}" fill="${palette.hills[1]}"/>
    <path d="${ridge(horizon - height * 0.02, height * 0.03, 3.3, seed * 3)}" fill="${palette.hills[2]}"/>
  </g>
  <g clip-path="url(#below)"><g transform="translate(0 ${2 * horizon}) scale(1 -1)" filter="url(#water)" opacity="0.75">
    <rect width="${width}" height="${horizon}" fill="url(#sky)"/>
    <rect width="${width}" height="${horizon}" fill="url(#sun)"/>
    <path d="${ridge(horizon - height * 0.2, height * 0.08, 1.3, seed)}" fill="${palette.hills[0]}"/>
    <path d="${ridge(horizon - height * 0.1, height * 0.06, 2.1, seed * 2)}" fill="${palette.hills[1]}"/>
    <path d="${ridge(horizon - height * 0.02, height * 0.03, 3.3, seed * 3)}" fill="${palette.hills[2]}"/>
  </g></g>
  <rect y="${horizon}" width="${width}" height="${height - horizon}" fill="url(#fade)"/>
</svg>`;
}

/**
 * A painted landscape as an ordinary camera-style JPEG: rendered from SVG (turbulence for clouds,
 * rock and water texture) with film grain, so it compresses and varies like a photo.
 */
export async function landscape(width: number, height: number, seed: number, palette: Palette) {
  const svg = landscapeSvg(width, height, seed, palette);
  // Film grain: per-pixel gaussian noise blended softly over the render, as a camera sensor would add.
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 128, g: 128, b: 128 },
      noise: { type: "gaussian", mean: 128, sigma: 22 },
    },
  })
    .png()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .composite([{ input: grain, blend: "soft-light" }])
    .blur(0.5)
    .jpeg({ quality: 84, mozjpeg: true })
    .toBuffer();
}
