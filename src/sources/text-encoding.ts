/**
 * The text of a manifest file from its bytes, as kubectl reads it: UTF-8, or
 * UTF-16 with a byte-order mark (cli-runtime's FileVisitor decodes through
 * `unicode.BOMOverride`). UTF-32 with a BOM is decoded too (kubectl would
 * read it as broken UTF-16, so it deploys nothing; judging its text is the
 * safe side). What is not text is said, in words, for a `file-skipped` finding.
 */
export type Decoded = { ok: true; text: string } | { ok: false; why: string };

export function decodeText(buf: Buffer): Decoded {
  const b0 = buf[0];
  const b1 = buf[1];
  if (b0 === 0xef && b1 === 0xbb && buf[2] === 0xbf) return utf8(buf.subarray(3), 'UTF-8 (after its BOM)');
  if (b0 === 0xff && b1 === 0xfe && buf[2] === 0 && buf[3] === 0) return utf32(buf.subarray(4), true);
  if (b0 === 0 && b1 === 0 && buf[2] === 0xfe && buf[3] === 0xff) return utf32(buf.subarray(4), false);
  if (b0 === 0xff && b1 === 0xfe) return utf16(buf.subarray(2), 'utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return utf16(buf.subarray(2), 'utf-16be');
  if (buf.subarray(0, 8192).includes(0))
    return { ok: false, why: 'binary file (NUL bytes and no UTF-16/UTF-32 byte-order mark); not read' };
  return utf8(buf, 'UTF-8');
}

function utf8(buf: Buffer, what: string): Decoded {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    return { ok: false, why: `not valid ${what} text (and no UTF-16/UTF-32 byte-order mark); not read` };
  }
}

function utf16(buf: Buffer, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  if (buf.length % 2 !== 0)
    return { ok: false, why: `${encoding.toUpperCase()} byte-order mark, but an odd number of bytes; not read` };
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(buf) };
  } catch {
    return {
      ok: false,
      why: `${encoding.toUpperCase()} byte-order mark, but not valid ${encoding.toUpperCase()}; not read`,
    };
  }
}

function utf32(buf: Buffer, littleEndian: boolean): Decoded {
  const name = littleEndian ? 'UTF-32LE' : 'UTF-32BE';
  if (buf.length % 4 !== 0)
    return { ok: false, why: `${name} byte-order mark, but a length not a multiple of 4; not read` };
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i < buf.length; i += 4) {
    const cp = littleEndian ? buf.readUInt32LE(i) : buf.readUInt32BE(i);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return { ok: false, why: `${name} byte-order mark, but not valid ${name}; not read` };
    chunk.push(cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) parts.push(String.fromCodePoint(...chunk));
  return { ok: true, text: parts.join('') };
}
