/**
 * Images made on the fly, so every case is exactly the file it claims to be: photo-like gradients,
 * flat colour, a JPEG with GPS EXIF, and a decompression bomb.
 */
import { deflateSync } from "node:zlib";
import sharp from "sharp";

/** A photo-like gradient with some texture, `width`×`height`. */
export function photo(width: number, height: number, format: "png" | "jpeg" | "webp" = "jpeg") {
  const channels = 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = 128 + 100 * Math.sin((x + y) / 7);
    }
  }
  return sharp(data, { raw: { width, height, channels } }).toFormat(format).toBuffer();
}

/** One flat colour, `width`×`height`: large in pixels, tiny in bytes. */
export function flat(
  width: number,
  height: number,
  format: "png" | "jpeg" | "webp" = "png",
  background = "#88aacc",
) {
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

/** A JPEG carrying EXIF with GPS coordinates. */
export function gpsTaggedJpeg() {
  return photo(64, 48, "jpeg").then((jpeg) =>
    sharp(jpeg)
      .withExif({
        IFD0: { Make: "ArtAI Test Camera", Model: "GPS-1" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "51/1 30/1 0/1",
          GPSLongitudeRef: "W",
          GPSLongitude: "0/1 7/1 0/1",
        },
      })
      .jpeg()
      .toBuffer(),
  );
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer) {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid, tiny PNG whose header declares `size`×`size` pixels of one
 * colour (a few hundred bytes on disk, gigabytes once decoded).
 */
export function pixelBomb(size = 20_000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(size / 8));
  const rows = Buffer.alloc(row.length * 64);
  const idat = deflateSync(rows);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
