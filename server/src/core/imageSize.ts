// The pixel size of an icon from its first bytes: PNG (IHDR), GIF, JPEG (SOF marker) and SVG (width/height, else
// the viewBox). Pure; undefined when the header says nothing (then no size check is made).
export function imageSize(head: Uint8Array): { width: number; height: number } | undefined {
  const b = head;
  const u16 = (i: number) => (b[i] << 8) | b[i + 1];
  const u32 = (i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { width: u32(16), height: u32(20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    for (let i = 2; i + 9 < b.length;) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: u16(i + 5), width: u16(i + 7) };
      i += 2 + u16(i + 2);
    }
    return undefined;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  const svg = /<svg\b[^>]*>/i.exec(text)?.[0];
  if (!svg) return undefined;
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']\\s*([\\d.]+)(px)?\\s*["']`, 'i').exec(svg);
  const w = attr('width');
  const h = attr('height');
  if (w && h) return { width: Number(w[1]), height: Number(h[1]) };
  if (/\s(width|height)\s*=/i.test(svg)) return undefined; // a percentage or em: no pixel size
  const box = /\sviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*["']/i.exec(svg);
  return box ? { width: Number(box[1]), height: Number(box[2]) } : undefined;
}
