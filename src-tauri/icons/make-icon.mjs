// Draws the app icon (three overlapping layers: かさね means "layered") as an RGBA PNG, with no
// image tools installed. Run: node src-tauri/icons/make-icon.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const size = 512;
const px = new Uint8Array(size * size * 4);

function inRoundRect(x, y, [x0, y0, x1, y1, r]) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const layers = [
  { rect: [16, 16, 495, 495, 96], rgb: [31, 78, 121], a: 1 },
  { rect: [104, 132, 328, 296, 30], rgb: [255, 255, 255], a: 0.35 },
  { rect: [146, 196, 370, 360, 30], rgb: [255, 255, 255], a: 0.6 },
  { rect: [188, 260, 412, 424, 30], rgb: [255, 255, 255], a: 0.95 },
];

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    let [r, g, b, a] = [0, 0, 0, 0];
    for (const l of layers) {
      // 4×4 supersampling keeps the rounded corners smooth.
      let cover = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) if (inRoundRect(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4, l.rect)) cover++;
      const la = (l.a * cover) / 16;
      if (la === 0) continue;
      const na = la + a * (1 - la);
      r = (l.rgb[0] * la + r * a * (1 - la)) / na;
      g = (l.rgb[1] * la + g * a * (1 - la)) / na;
      b = (l.rgb[2] * la + b * a * (1 - la)) / na;
      a = na;
    }
    const i = (y * size + x) * 4;
    px.set([Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)], i);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(size, 0);
ihdr.writeUInt32BE(size, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0;
  raw.set(px.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", ihdr),
  chunk("IDAT", deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("./icon.png", import.meta.url), png);
